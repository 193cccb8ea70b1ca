// Fastify 5: route-level preHandler hooks in callback style (its fastest form), no logger.
import Fastify, { type FastifyReply, type FastifyRequest, type HookHandlerDoneFunction } from 'fastify'
import type { Contender } from '../spec.js'
import { tokenOf, USERS } from '../spec.js'

interface User { name: string; permissions: string[] }
type WithUser = FastifyRequest & { user?: User }

function authenticate(req: WithUser, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const token = tokenOf(req.headers.authorization)
  const user = token === undefined ? undefined : USERS[token]
  if (user === undefined) {
    void reply.code(401).type('text/plain; charset=utf-8').send('unauthenticated')
    return
  }
  req.user = user
  done()
}

function authorise(needed: string[]) {
  return function authorise(req: WithUser, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    for (const permission of needed) {
      if (!(req.user as User).permissions.includes(permission)) {
        void reply.code(403).type('text/plain; charset=utf-8').send('forbidden')
        return
      }
    }
    done()
  }
}

export const fastify: Contender = {
  name: 'fastify',
  async start(port) {
    const app = Fastify({ logger: false })
    app.get('/', (_req, reply) => { void reply.type('text/plain; charset=utf-8').send('ok') })
    app.get('/hello', () => ({ hello: 'world' }))
    app.get<{ Params: { id: string } }>('/post/:id', { preHandler: [authenticate, authorise(['post:read'])] }, (req, reply) => {
      void reply.send({ id: req.params.id, user: (req as WithUser).user?.name })
    })
    await app.listen({ port, host: '127.0.0.1' })
    const address = app.server.address()
    return { port: typeof address === 'object' && address !== null ? address.port : port, close: () => app.close() }
  },
}
