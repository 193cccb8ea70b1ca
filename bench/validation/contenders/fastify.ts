// Fastify 5 with the rules as a route JSON Schema, compiled by its ajv.
import Fastify from 'fastify'
import { jsonSchemaUser } from '../schemas.js'
import { answerOf, type ValidationContender } from '../spec.js'

export const fastifyAjv: ValidationContender = {
  name: 'fastify + JSON Schema (ajv)',
  async start(port) {
    const app = Fastify({ logger: false })
    app.post<{ Body: { id: string; name: string; tags: string[] } }>('/users', { schema: { body: jsonSchemaUser } }, (req, reply) => {
      void reply.send(answerOf(req.body))
    })
    await app.listen({ port, host: '127.0.0.1' })
    const address = app.server.address()
    return { port: typeof address === 'object' && address !== null ? address.port : port, close: () => app.close() }
  },
}
