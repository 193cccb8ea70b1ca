// The middleware benchmark (#16): helmet's headers and a multipart upload through routechain's fromConnect()
// and req.multipart(), Express, Fastify and Hono, against raw node:http. Every contender in its own process on
// core 0, load from core 1, rounds interleaved with the order turning, paired per round with raw node:http;
// each answer checked before anything is timed.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { pairedRounds, startServer, type HttpPlan, type HttpRow, type Server } from '../http.js'
import { load, type LoadOptions, type LoadResult } from '../load.js'
import { MIDDLEWARE_CONTENDERS } from './contenders.js'
import { SECURE_ROUTE, UPLOAD_ANSWER, UPLOAD_BODY, UPLOAD_ROUTE, UPLOAD_TYPE } from './spec.js'

const here = dirname(fileURLToPath(import.meta.url))

// 16 uploads at a time rather than 64: at 64, a buffering contender (multer) answers some past wrk's 2 s timeout
const MEASURES = [
  { name: SECURE_ROUTE, path: '/secure', headers: {}, body: undefined, connections: undefined },
  { name: UPLOAD_ROUTE, path: '/upload', headers: { 'content-type': UPLOAD_TYPE }, body: { text: UPLOAD_BODY }, connections: 16 },
] as const

/** What a contender answers wrongly: the secure page needs helmet's nosniff and CSP, the upload the exact answer. */
export async function wrongMiddlewareAnswers(port: number): Promise<string[]> {
  const wrong: string[] = []
  const secure = await request(`http://127.0.0.1:${port}/secure`)
  const text = await secure.body.text()
  if (secure.statusCode !== 200 || text !== 'ok') wrong.push(`GET /secure: ${secure.statusCode} ${text}`)
  if (secure.headers['x-content-type-options'] !== 'nosniff' || secure.headers['content-security-policy'] === undefined) wrong.push('GET /secure: no helmet headers')
  const upload = await request(`http://127.0.0.1:${port}/upload`, { method: 'POST', headers: { 'content-type': UPLOAD_TYPE }, body: UPLOAD_BODY })
  const uploaded = await upload.body.text()
  if (upload.statusCode !== 200 || uploaded !== UPLOAD_ANSWER) wrong.push(`POST /upload: ${upload.statusCode} ${uploaded}`)
  return wrong
}

/** Runs the middleware benchmark; rows are paired per round with raw node:http (the first contender). */
export async function benchMiddleware(plan: HttpPlan, log: (line: string) => void): Promise<HttpRow[]> {
  const servers: Server[] = []
  try {
    const entry = join(here, 'serve.js')
    for (const index of MIDDLEWARE_CONTENDERS.keys()) servers.push(await startServer(index, entry))
    for (const [c, contender] of MIDDLEWARE_CONTENDERS.entries()) {
      const wrong = await wrongMiddlewareAnswers((servers[c] as Server).port)
      if (wrong.length > 0) throw new Error(`${contender.name} answers wrongly:\n  ${wrong.join('\n  ')}`)
    }
    log(`middleware: answers checked for ${servers.length} contenders`)
    const loadOf = (c: number, m: number, seconds: number): Promise<LoadResult> => {
      const measure = MEASURES[m] as (typeof MEASURES)[number]
      const options: LoadOptions = { url: `http://127.0.0.1:${(servers[c] as Server).port}${measure.path}`, headers: measure.headers, seconds, connections: measure.connections ?? plan.connections, cpu: 1 }
      return load(measure.body === undefined ? options : { ...options, body: measure.body })
    }
    return await pairedRounds({
      plan, servers, names: MIDDLEWARE_CONTENDERS.map((c) => c.name), measures: MEASURES.map((m) => m.name), load: loadOf, part: 'middleware', log,
    })
  } finally {
    for (const server of servers) server.child.kill('SIGKILL')
  }
}
