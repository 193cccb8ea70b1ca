// Hono's own compose (not in its exports map, so loaded by file), driven with the minimal context it reads.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'

type Middleware = (c: HonoLikeContext, next: () => Promise<void>) => Promise<unknown>
interface HonoLikeContext { req: { raw: unknown; routeIndex: number }; finalized: boolean; res: unknown; error?: unknown }
type Composed = (c: HonoLikeContext) => Promise<HonoLikeContext>

// …/node_modules/hono/dist/cjs/index.js → …/node_modules/hono/dist/compose.js (the ESM build)
const honoDist = dirname(dirname(createRequire(import.meta.url).resolve('hono')))
const { compose } = (await import(pathToFileURL(join(honoDist, 'compose.js')).href)) as {
  compose: (middleware: [[Middleware, unknown], unknown][]) => Composed
}

/** Composes middleware with Hono's compose; the returned function takes the raw request a step reads. */
export function honoCompose(middleware: Middleware[]): (raw: unknown) => Promise<HonoLikeContext> {
  const run = compose(middleware.map((fn) => [[fn, {}], {}]))
  return (raw) => run({ req: { raw, routeIndex: 0 }, finalized: false, res: undefined })
}
