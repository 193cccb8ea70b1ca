// Writes a generated app for the type-check bench: ROUTERS routers of ROUTES_PER_ROUTER routes each, mounted under
// their own prefixes, the way a real service grows: params, a step that adds a field, zod validation of bodies and
// params, describe() with declared responses, json() replies. Two callers of every route sit beside it: one through
// the typed client (`createClient<typeof app>()`), one through the plain client with URLs, so the check time of
// the same app can be compared with and without the typed client.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'

/** How big the generated app is. */
export interface GeneratedShape {
  readonly routers: number
  readonly routesPerRouter: number
}

/** One route of a generated router: how it is registered, and how each client calls it. */
interface GeneratedRoute {
  readonly register: string
  readonly typedCall: string
  readonly plainCall: string
}

// the fifteen kinds of route each router repeats; `i` numbers the router, so every router's types differ
function routesOf(i: number, count: number): GeneratedRoute[] {
  const kinds: ((k: number) => GeneratedRoute)[] = [
    () => ({
      register: `.get('/', () => [{ id: 1, router: ${i} }])`,
      typedCall: `{ const r = await api.get('/r${i}'); if (r.ok) use((await r.json())[0]?.router) }`,
      plainCall: `{ const r = await plain.get('/r${i}'); use(await r.json()) }`,
    }),
    () => ({
      register: `.get('/:id', authenticate, (req) => ({ id: req.params.id, by: req.user.name, r${i}: true }))`,
      typedCall: `{ const r = await api.get('/r${i}/:id', { params: { id: '1' } }); if (r.ok) use((await r.json()).by) }`,
      plainCall: `{ const r = await plain.get('/r${i}/1'); use(await r.json()) }`,
    }),
    () => ({
      register: `.post('/', validate({ body: Item${i} }), (req) => json({ created: req.valid.body.title, n: req.valid.body.n${i} }, { status: 201 }))`,
      typedCall: `{ const r = await api.post('/r${i}', { json: { title: 't', n${i}: 1 } }); if (r.ok) use((await r.json()).created) }`,
      plainCall: `{ const r = await plain.post('/r${i}', { json: { title: 't', n${i}: 1 } }); use(await r.json()) }`,
    }),
    () => ({
      register: `.patch('/:id', validate({ params: Id, body: Item${i}.partial() }), (req) => ({ id: req.valid.params.id, ...req.valid.body }))`,
      typedCall: `{ const r = await api.patch('/r${i}/:id', { params: { id: '1' }, json: { title: 'u' } }); if (r.ok) use((await r.json()).id) }`,
      plainCall: `{ const r = await plain.patch('/r${i}/1', { json: { title: 'u' } }); use(await r.json()) }`,
    }),
    () => ({
      register: `.delete('/:id', authenticate, () => null)`,
      typedCall: `{ const r = await api.delete('/r${i}/:id', { params: { id: '1' } }); use(r.status) }`,
      plainCall: `{ const r = await plain.delete('/r${i}/1'); use(r.status) }`,
    }),
    () => ({
      register: `.get('/:id/children/:child', describe({ responses: { 200: Item${i}, 404: Missing } }), (req) => ({ title: req.params.child, n${i}: Number(req.params.id) }))`,
      typedCall: `{ const r = await api.get('/r${i}/:id/children/:child', { params: { id: '1', child: 'c' } }); if (r.status === 404) use((await r.json()).missing); else if (r.ok) use((await r.json()).n${i}) }`,
      plainCall: `{ const r = await plain.get('/r${i}/1/children/c'); use(await r.json()) }`,
    }),
    () => ({
      register: `.put('/:id', validate({ params: Id, body: Item${i}, query: Draft }), async (req) => ({ saved: req.valid.body, draft: req.valid.query.draft }))`,
      typedCall: `{ const r = await api.put('/r${i}/:id', { params: { id: '1' }, json: { title: 't', n${i}: 2 }, query: { draft: 'yes' } }); if (r.ok) use((await r.json()).draft) }`,
      plainCall: `{ const r = await plain.put('/r${i}/1', { json: { title: 't', n${i}: 2 }, query: { draft: 'yes' } }); use(await r.json()) }`,
    }),
  ]
  const out: GeneratedRoute[] = []
  for (let k = 0; k < count; k++) {
    if (k < kinds.length) {
      out.push((kinds[k] as (k: number) => GeneratedRoute)(k))
      continue
    }
    // the rest: static paths with their own answers
    out.push({
      register: `.get('/s${k}', (req) => ({ path: req.url, k${k}: ${k}, r: ${i} }))`,
      typedCall: `{ const r = await api.get('/r${i}/s${k}'); if (r.ok) use((await r.json()).k${k}) }`,
      plainCall: `{ const r = await plain.get('/r${i}/s${k}'); use(await r.json()) }`,
    })
  }
  return out
}

/**
 * Writes `app.ts`, `with-typed-client.ts`, `with-plain-client.ts` and a tsconfig for each caller into `dir`;
 * `srcDir` is routechain's `src`, imported by relative path. Returns the two tsconfig paths.
 */
export function generateApp(dir: string, srcDir: string, shape: GeneratedShape): { typed: string; plain: string } {
  mkdirSync(dir, { recursive: true })
  const src = relative(dir, srcDir).split('\\').join('/')
  const routers: string[] = []
  const typedCalls: string[] = []
  const plainCalls: string[] = []
  for (let i = 0; i < shape.routers; i++) {
    const routes = routesOf(i, shape.routesPerRouter)
    routers.push([
      `const Item${i} = z.object({ title: z.string().min(1), n${i}: z.number() })`,
      `export const router${i} = new Router()`,
      ...routes.map((route) => `  ${route.register}`),
    ].join('\n'))
    typedCalls.push(...routes.map((route) => `  ${route.typedCall}`))
    plainCalls.push(...routes.map((route) => `  ${route.plainCall}`))
  }
  const mounts = Array.from({ length: shape.routers }, (_, i) => `  .mount('/r${i}', router${i})`)
  writeFileSync(join(dir, 'app.ts'), [
    `// generated by bench/types/generate.ts: ${shape.routers} routers of ${shape.routesPerRouter} routes`,
    `import * as z from 'zod'`,
    `import { createApp, defineStep, describe, json, Router, validate } from '${src}/index.js'`,
    '',
    `const authenticate = defineStep<{ user: { name: string } }>('authenticate', (req) => { req.user = { name: 'alice' } })`,
    `const Id = z.object({ id: z.string() })`,
    `const Draft = z.object({ draft: z.enum(['yes', 'no']) })`,
    `const Missing = z.object({ missing: z.string() })`,
    '',
    routers.join('\n\n'),
    '',
    'export const app = createApp()',
    ...mounts,
    '',
  ].join('\n'))
  const caller = (name: string, head: string[], calls: string[]): void => writeFileSync(join(dir, name), [
    `// generated by bench/types/generate.ts: a call to each of the app's ${calls.length} routes`,
    ...head,
    '',
    'declare function use(value: unknown): void',
    '',
    'export async function callEveryRoute(): Promise<void> {',
    ...calls,
    '}',
    '',
  ].join('\n'))
  caller('with-typed-client.ts', [
    `import { createClient } from '${src}/client/index.js'`,
    `import type { app } from './app.js'`,
    '',
    `const api = createClient<typeof app>({ baseUrl: 'http://127.0.0.1:3000' })`,
  ], typedCalls)
  caller('with-plain-client.ts', [
    `import { createClient } from '${src}/client/index.js'`,
    `import './app.js'`,
    '',
    `const plain = createClient({ baseUrl: 'http://127.0.0.1:3000' })`,
  ], plainCalls)
  const tsconfig = (name: string, file: string): string => {
    const path = join(dir, name)
    writeFileSync(path, JSON.stringify({
      extends: relative(dir, join(srcDir, '..', 'tsconfig.json')).split('\\').join('/'),
      compilerOptions: { noEmit: true, rootDir: relative(dir, join(srcDir, '..')).split('\\').join('/'), noUnusedLocals: false },
      include: [file],
      exclude: [],
    }, null, 2))
    return path
  }
  return { typed: tsconfig('tsconfig.typed.json', 'with-typed-client.ts'), plain: tsconfig('tsconfig.plain.json', 'with-plain-client.ts') }
}
