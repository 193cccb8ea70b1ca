// Child process entry: `node client.js echo|handshake URL SECONDS CONNECTIONS` loads one WebSocket server and prints
// one JSON line: {"count": n, "seconds": s}. echo: CONNECTIONS sockets each send a 64-byte message and wait for
// its echo, again and again; handshake: CONNECTIONS workers each open a socket, wait for it to be open, and close
// it, again and again. Bounded by SECONDS.
import { WebSocket } from 'ws'

const [mode, url, secondsArg, connectionsArg] = process.argv.slice(2)
const seconds = Number(secondsArg)
const connections = Number(connectionsArg)
if ((mode !== 'echo' && mode !== 'handshake') || url === undefined || !(seconds > 0) || !(connections > 0)) {
  throw new Error('usage: client.js echo|handshake URL SECONDS CONNECTIONS')
}
const message = 'x'.repeat(64)

function opened(target: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(target)
    socket.once('open', () => resolve(socket))
    socket.once('error', reject)
  })
}

async function echo(until: number): Promise<number> {
  const socket = await opened(url as string)
  let count = 0
  while (Date.now() < until) {
    await new Promise<void>((resolve) => {
      socket.once('message', () => resolve())
      socket.send(message)
    })
    count++
  }
  socket.close()
  return count
}

async function handshake(until: number): Promise<number> {
  let count = 0
  while (Date.now() < until) {
    const socket = await opened(url as string)
    await new Promise<void>((resolve) => { socket.once('close', () => resolve()); socket.close() })
    count++
  }
  return count
}

const started = Date.now()
const until = started + seconds * 1000
const counts = await Promise.all(Array.from({ length: connections }, () => (mode === 'echo' ? echo(until) : handshake(until))))
process.stdout.write(`${JSON.stringify({ count: counts.reduce((a, b) => a + b, 0), seconds: (Date.now() - started) / 1000 })}\n`)
