// The middleware contenders (#16), the baseline first: raw node:http (helmet's headers set by hand, the upload
// read with @fastify/busboy directly; the streaming ones all count file bytes on 'data' events), routechain (fromConnect(helmet()), req.multipart()), Express 5 (helmet,
// multer), Fastify 5 (@fastify/helmet, @fastify/multipart) and Hono 4 (secureHeaders, parseBody).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import fastifyHelmet from '@fastify/helmet'
import fastifyMultipart from '@fastify/multipart'
import { Busboy } from '@fastify/busboy'
import { serve } from '@hono/node-server'
import express from 'express'
import Fastify from 'fastify'
import helmet from 'helmet'
import { Hono } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import multer from 'multer'
import { createApp, fromConnect } from '../../src/index.js'
import { listening } from '../contenders/listen.js'
import type { Contender } from '../spec.js'
import { HELMET_HEADERS } from './spec.js'

const answer = (title: unknown, bytes: number): string => JSON.stringify({ title, bytes })

/** Counts a file's bytes as raw node:http does, on 'data' events: the async iterator would cost more than the parsing. */
function countBytes(file: NodeJS.ReadableStream): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0
    file.on('data', (chunk: Buffer) => { bytes += chunk.length })
    file.on('end', () => resolve(bytes))
    file.on('error', reject)
  })
}

function rawUpload(req: IncomingMessage, res: ServerResponse): void {
  const parser = Busboy({ headers: req.headers as IncomingMessage['headers'] & { 'content-type': string }, limits: { fileSize: 1024 * 1024 } })
  let title: unknown
  let bytes = 0
  parser.on('field', (name, value) => { if (name === 'title') title = value })
  parser.on('file', (_name, file) => { file.on('data', (chunk: Buffer) => { bytes += chunk.length }) })
  parser.on('finish', () => {
    const body = answer(title, bytes)
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
  req.pipe(parser)
}

const raw: Contender = {
  name: 'node:http (raw)',
  start(port) {
    return listening(createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/secure') {
        res.writeHead(200, { ...HELMET_HEADERS, 'content-type': 'text/plain', 'content-length': 2 })
        res.end('ok')
      } else if (req.method === 'POST' && req.url === '/upload') rawUpload(req, res)
      else {
        res.writeHead(404)
        res.end()
      }
    }), port)
  },
}

const routechain: Contender = {
  name: 'routechain',
  async start(port) {
    const app = createApp()
    app.get('/secure', fromConnect(helmet()), () => 'ok')
    app.post('/upload', async (req) => {
      let title: unknown
      let bytes = 0
      for await (const part of req.multipart()) {
        if (part.kind === 'field') title = part.value
        else bytes += await countBytes(part.stream)
      }
      return answer(title, bytes)
    })
    const server = await app.listen({ port, host: '127.0.0.1' })
    return { port: server.port, close: () => app.close({ timeout: 100 }) }
  },
}

const expressApp: Contender = {
  name: 'express + helmet, multer',
  start(port) {
    const app = express()
    app.get('/secure', helmet(), (_req, res) => { res.type('text/plain').send('ok') })
    app.post('/upload', multer({ storage: multer.memoryStorage() }).single('file'), (req, res) => {
      res.type('application/json').send(answer((req.body as { title?: string }).title, req.file?.size ?? 0))
    })
    return listening(createServer(app), port)
  },
}

const fastifyApp: Contender = {
  name: 'fastify + @fastify/helmet, @fastify/multipart',
  async start(port) {
    const app = Fastify({ logger: false })
    await app.register(fastifyMultipart)
    await app.register(async (scope) => {
      await scope.register(fastifyHelmet)
      scope.get('/secure', (_req, reply) => { void reply.type('text/plain').send('ok') })
    })
    app.post('/upload', async (req, reply) => {
      let title: unknown
      let bytes = 0
      for await (const part of req.parts()) {
        if (part.type === 'field') title = part.value
        else bytes += await countBytes(part.file)
      }
      void reply.type('application/json').send(answer(title, bytes))
    })
    await app.listen({ port, host: '127.0.0.1' })
    const address = app.server.address() as AddressInfo
    return { port: address.port, close: () => app.close() }
  },
}

const honoApp: Contender = {
  name: 'hono + secureHeaders, parseBody',
  start(port) {
    const app = new Hono()
    // hono sets no Content-Security-Policy by default: give it helmet's
    const csp = {
      defaultSrc: ["'self'"], baseUri: ["'self'"], fontSrc: ["'self'", 'https:', 'data:'], formAction: ["'self'"], frameAncestors: ["'self'"],
      imgSrc: ["'self'", 'data:'], objectSrc: ["'none'"], scriptSrc: ["'self'"], scriptSrcAttr: ["'none'"], styleSrc: ["'self'", 'https:', "'unsafe-inline'"],
      upgradeInsecureRequests: [],
    }
    app.get('/secure', secureHeaders({ contentSecurityPolicy: csp }), (c) => c.text('ok'))
    app.post('/upload', async (c) => {
      const body = await c.req.parseBody()
      const file = body.file
      return c.body(answer(body.title, file instanceof File ? file.size : 0), 200, { 'content-type': 'application/json' })
    })
    return new Promise((resolve) => {
      const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        const node = server as unknown as import('node:http').Server
        resolve({ port: info.port, close: () => new Promise((done) => { node.close(() => done()); node.closeAllConnections() }) })
      })
    })
  },
}

export const MIDDLEWARE_CONTENDERS: readonly Contender[] = [raw, routechain, expressApp, fastifyApp, honoApp]
