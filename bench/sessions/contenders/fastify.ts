// Fastify 5 with @fastify/secure-session (libsodium secretbox through sodium-native), no logger.
import secureSession from '@fastify/secure-session'
import Fastify, { type FastifyInstance } from 'fastify'
import { BENCH_KEY, COOKIE_NAME, NAMES, UNAUTHENTICATED, type SessionContender } from '../spec.js'

declare module '@fastify/secure-session' {
  interface SessionData {
    user: string
  }
}

/** A Fastify app with secure-session on the bench key and GET /me; not listening yet. */
export async function secureSessionApp(): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  await app.register(secureSession, { key: BENCH_KEY, cookieName: COOKIE_NAME, cookie: { path: '/' } })
  app.get('/me', (req, reply) => {
    const user = req.session.get('user')
    if (user === undefined) return reply.code(401).type('text/plain; charset=utf-8').send(UNAUTHENTICATED)
    return reply.send({ user })
  })
  return app
}

export const fastifySecureSession: SessionContender = {
  name: NAMES.fastify,
  verifies: true,
  async start(port) {
    const app = await secureSessionApp()
    await app.listen({ port, host: '127.0.0.1' })
    const address = app.server.address()
    return { port: typeof address === 'object' && address !== null ? address.port : port, close: () => app.close() }
  },
  async minter() {
    const app = await secureSessionApp()
    await app.ready()
    // the plugin's own encoder, URL-encoded as @fastify/cookie writes it into Set-Cookie
    return (user) => `${COOKIE_NAME}=${encodeURIComponent(app.encodeSecureSession(app.createSecureSession({ user })))}`
  },
}
