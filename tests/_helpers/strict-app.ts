// An app whose routes fail in every way a step, a reply conversion or a session save can, for the test that
// runs it under `node --unhandled-rejections=strict`: if any failure escaped as an unhandled rejection or an
// uncaught exception, the process would die. Not a test file; tests/faults.test.ts spawns the compiled script.
//
// Routes: see STRICT_ROUTES in tests/faults.test.ts, plus POST /body-gone and GET /alive.
// Prints its port as one line on stdout once it listens; the app's log goes to stderr.
import { Readable } from 'node:stream'
import { createApp, reply, type SessionStorage, type StoredSession } from '../../src/index.js'

/** A session storage whose save always fails, as a database that is down would. */
class FailingStorage implements SessionStorage {
  load(): StoredSession | undefined {
    return undefined
  }

  save(): Promise<string> {
    return Promise.reject(new Error('storage down'))
  }
}


const log = (level: string) => (...args: unknown[]): void => {
  process.stderr.write(`${level} ${args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ')}\n`)
}

const app = createApp({
  session: { storage: new FailingStorage() },
  logger: { error: log('error'), warn: log('warn'), info: log('info'), debug() {} },
})
app.onError((_error, req) => {
  if (req.path === '/onerror') throw new Error('onError itself threw')
  return undefined
})
app.get('/throw', () => { throw new Error('sync throw') })
app.get('/reject', async () => { throw new Error('async throw') })
app.get('/rejected-promise', () => Promise.reject(new Error('rejected promise')))
app.get('/after-next', async (_req, next) => {
  await next()
  throw new Error('thrown after next()')
}, () => 'inner')
app.get('/onerror', () => { throw new Error('to onError') })
app.get('/tojson', () => ({ toJSON() { throw new Error('toJSON threw') } }))
app.get('/bigint', () => ({ n: 1n }))
app.get('/stream-error', () => reply(new Readable({
  read() {
    this.push('first chunk ')
    this.destroy(new Error('stream failed midway'))
  },
})))
app.get('/generator-error', () => reply((async function* () {
  yield 'one '
  throw new Error('generator failed midway')
})()))
app.get('/session-save', async (req) => {
  (await req.session()).set('x', 1)
  return 'saved?'
})
app.get('/next-twice', async (_req, next) => {
  await next()
  return next()
}, () => 'inner')
app.get('/undefined', () => undefined)
app.post('/body-gone', async (req) => {
  await new Promise((resolve) => setTimeout(resolve, 50))
  return req.text()
})
app.get('/alive', () => 'alive')

const server = await app.listen({ port: 0 })
const address = server.address()
process.stdout.write(`${typeof address === 'object' && address !== null ? address.port : 0}\n`)
const stop = (): void => { void app.close({ timeout: 500 }).then(() => process.exit(0)) }
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
