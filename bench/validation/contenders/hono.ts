// Hono 4 on @hono/node-server with @hono/zod-validator and the same zod schema.
import { serve } from '@hono/node-server'
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { zodUser } from '../schemas.js'
import { answerOf, type ValidationContender } from '../spec.js'

export const honoZod: ValidationContender = {
  name: 'hono + @hono/zod-validator',
  start(port) {
    const app = new Hono()
    app.post('/users', zValidator('json', zodUser), (c) => c.json(answerOf(c.req.valid('json'))))
    return new Promise((resolve) => {
      const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        resolve({ port: info.port, close: () => new Promise((done) => { (server as Server).close(() => done()); (server as Server).closeAllConnections() }) })
      })
    })
  },
}
