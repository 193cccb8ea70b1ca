// routechain with validate() on zod 4 and on valibot 1, written the way the README shows.
import { createApp, validate, type App } from '../../../src/index.js'
import { valibotUser, zodUser } from '../schemas.js'
import { answerOf, type ValidationContender } from '../spec.js'

function contender(name: string, route: (app: App) => void): ValidationContender {
  return {
    name,
    async start(port) {
      const app = createApp()
      route(app)
      const server = await app.listen({ port, host: '127.0.0.1' })
      return { port: server.port, close: () => app.close({ timeout: 100 }) }
    },
  }
}

export const routechainZod = contender('routechain + zod', (app) => {
  app.post('/users', validate({ body: zodUser }), (req) => answerOf(req.valid.body))
})

export const routechainValibot = contender('routechain + valibot', (app) => {
  app.post('/users', validate({ body: valibotUser }), (req) => answerOf(req.valid.body))
})
