// Memory with idle keep-alive connections (#18): a server process answers one GET / on each of 10,000 connections,
// which then stay open and idle; its RSS after a full GC is read before and after, for raw node:http and for
// routechain. The connections are opened 200 at a time, each waiting for its answer, and all closed at the end;
// every process is stopped by its PID.
import { spawn } from 'node:child_process'
import { connect, type Socket } from 'node:net'
import type { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { killWithParent, stopChild } from '../child.js'

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url))
export const IDLE_SERVERS = ['raw', 'routechain'] as const

/** One server's memory with and without the idle connections. */
export interface IdleRow {
  readonly server: string
  readonly connections: number
  readonly baseRssMiB: number
  readonly idleRssMiB: number
  /** (idle − base) / connections, in KiB. */
  readonly perConnectionKiB: number
}

/** The lines a stream prints, one per call, in order. */
function lines(stdout: Readable): () => Promise<string> {
  let buffered = ''
  const waiting: ((line: string) => void)[] = []
  const ready: string[] = []
  stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk
    for (let at = buffered.indexOf('\n'); at !== -1; at = buffered.indexOf('\n')) {
      const line = buffered.slice(0, at)
      buffered = buffered.slice(at + 1)
      const next = waiting.shift()
      if (next === undefined) ready.push(line)
      else next(line)
    }
  })
  return () => {
    const line = ready.shift()
    if (line !== undefined) return Promise.resolve(line)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the idle server did not answer within 30 s')), 30_000)
      waiting.push((l) => { clearTimeout(timer); resolve(l) })
    })
  }
}

/** Opens one connection, sends GET / and resolves once the answer has come; the socket stays open. */
function idleConnection(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let answer = ''
    socket.setEncoding('utf8')
    socket.once('error', reject)
    socket.once('connect', () => socket.write('GET / HTTP/1.1\r\nHost: bench\r\n\r\n'))
    socket.on('data', (chunk: string) => {
      answer += chunk
      if (answer.endsWith('ok')) {
        socket.removeAllListeners('data')
        socket.on('error', () => {})
        if (!answer.startsWith('HTTP/1.1 200')) reject(new Error(`answered ${answer.slice(0, 40)}`))
        else resolve(socket)
      }
    })
  })
}

async function measureServer(server: string, connections: number): Promise<IdleRow> {
  const child = spawn(process.execPath, ['--expose-gc', CHILD, server], { stdio: ['pipe', 'pipe', 'inherit'] })
  killWithParent(child)
  const next = lines(child.stdout)
  const sockets: Socket[] = []
  try {
    const port = Number(await next())
    await idleConnection(port).then((s) => s.destroy()) // warm: the first request loads what every request uses
    const rss = async (): Promise<number> => {
      child.stdin.write('rss\n')
      return Number(await next()) / 2 ** 20
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
    const baseRssMiB = await rss()
    for (let opened = 0; opened < connections; opened += 200) {
      sockets.push(...await Promise.all(Array.from({ length: Math.min(200, connections - opened) }, () => idleConnection(port))))
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
    const idleRssMiB = await rss()
    return { server, connections, baseRssMiB, idleRssMiB, perConnectionKiB: ((idleRssMiB - baseRssMiB) * 1024) / connections }
  } finally {
    for (const socket of sockets) socket.destroy()
    await stopChild(child, 3000)
  }
}

/** Measures each server in turn, `rounds` times, and keeps each server's median round by idle RSS. */
export async function benchIdle(quick: boolean, log: (line: string) => void): Promise<IdleRow[]> {
  const connections = quick ? 2000 : 10_000
  const rounds = quick ? 1 : 3
  const rows: IdleRow[] = []
  const runs = new Map<string, IdleRow[]>(IDLE_SERVERS.map((s) => [s, []]))
  for (let round = 0; round < rounds; round++) {
    for (const server of IDLE_SERVERS) runs.get(server)?.push(await measureServer(server, connections))
  }
  for (const [server, measured] of runs) {
    const sorted = [...measured].sort((a, b) => a.idleRssMiB - b.idleRssMiB)
    const row = sorted[sorted.length >> 1] as IdleRow
    rows.push(row)
    log(`idle: ${server} with ${connections} connections: ${row.idleRssMiB.toFixed(1)} MiB RSS (${row.perConnectionKiB.toFixed(2)} KiB each)`)
  }
  return rows
}
