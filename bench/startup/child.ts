// One cold start: a fresh process builds an app of ROUTES parameterised routes (`/r<i>/:id`) with the framework
// named, listens on a free loopback port and prints it; the parent times from spawning it to its first answer.
// Usage: node .build/bench/startup/child.js raw|routechain|fastify|hono ROUTES
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

const [framework, countText] = process.argv.slice(2)
const count = Number(countText)

async function listen(): Promise<number> {
  switch (framework) {
    case 'raw': {
      // the floor: node itself starting and answering, no router at all
      const server = createServer((req, res) => res.end(req.url))
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      return (server.address() as AddressInfo).port
    }
    case 'routechain': {
      const { createApp } = await import('../../src/index.js')
      const app = createApp()
      for (let i = 0; i < count; i++) app.get(`/r${i}/:id`, (req) => req.params.id)
      return (await app.listen({ port: 0 })).port
    }
    case 'fastify': {
      const { default: Fastify } = await import('fastify')
      const app = Fastify()
      for (let i = 0; i < count; i++) app.get(`/r${i}/:id`, async (req) => (req.params as { id: string }).id)
      await app.listen({ port: 0, host: '127.0.0.1' })
      return (app.server.address() as AddressInfo).port
    }
    case 'hono': {
      const { Hono } = await import('hono')
      const { serve } = await import('@hono/node-server')
      const app = new Hono()
      for (let i = 0; i < count; i++) app.get(`/r${i}/:id`, (c) => c.text(c.req.param('id')))
      return new Promise((resolve) => {
        const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port)) as Server
        void server
      })
    }
    default:
      throw new Error(`startup child: unknown framework ${String(framework)}`)
  }
}

process.stdout.write(`${await listen()}\n`)
