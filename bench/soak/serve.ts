// Child process entry: `node serve.js <index> <port>` (as bench/http.ts's startServer runs it) serves the soak
// app and prints `ready <port>`. Run with --expose-gc (the driver sets NODE_OPTIONS) so the status route can collect.
import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import { setImmediate as tick } from 'node:timers/promises'
import { soakApp } from './app.js'
import { KEY_ENV, STATUS_PATH, type ServerStatus } from './spec.js'

const key = process.env[KEY_ENV]
if (key === undefined) throw new Error(`the soak server needs its session key in $${KEY_ENV}`)
const gc = (globalThis as { gc?: () => void }).gc

// load connections, counted from their first request so the status route's own are left out
const seen = new WeakSet<Socket>()
let open = 0
let accepted = 0
let peakOpen = 0
let socketErrors = 0

function track(req: IncomingMessage): void {
  const socket = req.socket
  if (seen.has(socket)) return
  seen.add(socket)
  if (req.url?.startsWith(STATUS_PATH) === true) return
  open++
  accepted++
  if (open > peakOpen) peakOpen = open
  let failed = false
  socket.on('error', () => {
    if (!failed) socketErrors++
    failed = true
  })
  socket.once('close', () => { open-- })
}

async function status(collect: boolean): Promise<ServerStatus> {
  if (collect) {
    if (gc === undefined) throw new Error('the soak server runs without --expose-gc: no forced collection')
    // twice, with a turn of the event loop between: what the first frees may hold more (weak refs, finalizers)
    gc()
    await tick()
    gc()
  }
  const memory = process.memoryUsage()
  const answer: ServerStatus = {
    rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal, externalBytes: memory.external,
    gc: collect, open, accepted, peakOpen, socketErrors,
  }
  peakOpen = open
  return answer
}

const app = soakApp(key)
app.get(STATUS_PATH, (req) => status(req.query.gc === '1'))
const server = await app.listen({ port: Number(process.argv[3] ?? 0), host: '127.0.0.1' })
server.on('request', track)
const address = server.address()
process.stdout.write(`ready ${typeof address === 'object' && address !== null ? address.port : 0}\n`)
process.on('SIGTERM', () => { void app.close({ timeout: 100 }).then(() => process.exit(0)) })
