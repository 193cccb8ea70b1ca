// routechain with each session storage, and the same route without a session (the baseline).
import {
  createApp, EncryptedCookieStorage, NaClCookieStorage, SimpleCookieStorage, text, type App, type SessionStorage,
} from '../../../src/index.js'
import type { Running } from '../../spec.js'
import { BENCH_KEY, COOKIE_NAME, NAMES, UNAUTHENTICATED, type Minter, type SessionContender } from '../spec.js'

/** Listens on 127.0.0.1 and returns the port and a close function. */
export async function listen(app: App, port: number): Promise<Running> {
  const server = await app.listen({ port, host: '127.0.0.1' })
  const address = server.address()
  return { port: typeof address === 'object' && address !== null ? address.port : port, close: () => app.close({ timeout: 100 }) }
}

/** Mints cookies with a storage's own save(), as a route that sets the session would. */
function storageMinter(storage: SessionStorage): Minter {
  return (user) => {
    const value = storage.save({ created: Math.floor(Date.now() / 1000), data: { user } }, undefined)
    if (typeof value !== 'string') throw new Error('the bench mints with cookie storages, whose save() is synchronous')
    return `${COOKIE_NAME}=${value}`
  }
}

/** An app with sessions in `storage` and GET /me answering from the session; every storage's contender serves it. */
export function sessionApp(storage: SessionStorage): App {
  const app = createApp({ session: { storage } })
  app.get('/me', async (req) => {
    const session = await req.session<{ user: string }>()
    const user = session.get('user')
    return user === undefined ? text(UNAUTHENTICATED, { status: 401 }) : { user }
  })
  return app
}

function withStorage(name: string, make: () => SessionStorage, verifies = true): SessionContender {
  return {
    name,
    verifies,
    start: (port) => listen(sessionApp(make()), port),
    minter: async () => storageMinter(make()),
  }
}

/** GET /me answering from the `x-user` header: the same route and answer, minus the session. */
export const noSession: SessionContender = {
  name: NAMES.noSession,
  noSession: true,
  verifies: true,
  start(port) {
    const app = createApp()
    app.get('/me', (req) => {
      const user = req.headers['x-user']
      return typeof user !== 'string' ? text(UNAUTHENTICATED, { status: 401 }) : { user }
    })
    return listen(app, port)
  },
  // the same cookies as EncryptedCookieStorage's, so every contender gets requests of the same size
  minter: async () => storageMinter(new EncryptedCookieStorage(BENCH_KEY)),
}

export const encrypted = withStorage(NAMES.encrypted, () => new EncryptedCookieStorage(BENCH_KEY))
export const naclStorage = withStorage(NAMES.nacl, () => new NaClCookieStorage(BENCH_KEY))
export const simple = withStorage(NAMES.simple, () => new SimpleCookieStorage(), false)
