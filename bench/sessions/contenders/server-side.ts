// routechain with the server-side storages: MemoryStorage in the server's own memory, and RedisStorage on a
// node-redis client. The cookie holds only a random id, so the records must exist where the server reads them:
// each server has a setup route, POST /__mint, that saves one session per user given (a JSON list) through its
// own storage and answers their ids in the same order. The bench calls it once, before anything is checked or
// timed; the timed route is the same GET /me as every routechain storage's.
import { createClient } from 'redis'
import { request } from 'undici'
import { MemoryStorage, RedisStorage, text, type SessionStorage } from '../../../src/index.js'
import type { Running } from '../../spec.js'
import { COOKIE_NAME, NAMES, type Minter, type SessionContender, type SessionServices } from '../spec.js'
import { listen, sessionApp } from './routechain.js'

/** The setup route that makes sessions; never timed. */
export const MINT_PATH = '/__mint'

/** The most sessions one mint request makes: the bench makes 10,001 (the distinct cookies and the repeated one). */
const MAX_MINT = 100_000

/**
 * MemoryStorage's bound for the bench: its default (10,000) is below the sessions the distinct mode cycles
 * through, and a session evicted would answer 401 mid-run.
 */
const MEMORY_MAX_ENTRIES = 200_000

/** Each record's lifetime, as a login would give it: the app's default maxAge (7 days). */
const LIFETIME = 7 * 24 * 3600

/** A storage the server holds, with how many more sessions it can keep without evicting any, and what to close. */
interface Held {
  readonly storage: SessionStorage
  room?(): number
  close?(): void
}

function serverSide(name: string, needsRedis: boolean, hold: (services: SessionServices | undefined) => Promise<Held>): SessionContender {
  return {
    name,
    verifies: true,
    needsRedis,
    async start(port, services) {
      const held = await hold(services)
      const app = sessionApp(held.storage)
      app.post(MINT_PATH, async (req) => {
        const users = await req.json()
        if (!Array.isArray(users) || users.length > MAX_MINT || !users.every((user) => typeof user === 'string' && user !== '')) {
          return text(`${MINT_PATH} takes a JSON list of up to ${MAX_MINT} user names`, { status: 400 })
        }
        if (held.room !== undefined && users.length > held.room()) {
          return text(`${users.length} sessions would evict some: the storage has room for ${held.room()}`, { status: 507 })
        }
        const created = Math.floor(Date.now() / 1000)
        return Promise.all(users.map((user: string) =>
          held.storage.save({ created, data: { user } }, undefined, { ttl: LIFETIME, changed: undefined })))
      })
      let running: Running
      try {
        running = await listen(app, port)
      } catch (error) {
        held.close?.()
        throw error
      }
      return { port: running.port, close: async () => { await running.close(); held.close?.() } }
    },
    async minter(port, users) {
      const unique = [...new Set(users)]
      const res = await request(`http://127.0.0.1:${port}${MINT_PATH}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(unique),
      })
      const body = await res.body.text()
      if (res.statusCode !== 200) throw new Error(`${name}: ${MINT_PATH} answered ${res.statusCode} ${body}`)
      const ids = JSON.parse(body) as unknown
      if (!Array.isArray(ids) || ids.length !== unique.length || !ids.every((id) => typeof id === 'string' && /^[0-9a-f]{32}$/.test(id))) {
        throw new Error(`${name}: ${MINT_PATH} did not answer one session id per user: ${body.slice(0, 200)}`)
      }
      const cookies = new Map(unique.map((user, i) => [user, `${COOKIE_NAME}=${ids[i] as string}`]))
      return ((user) => {
        const cookie = cookies.get(user)
        if (cookie === undefined) throw new Error(`${name}: no session was made for ${JSON.stringify(user)}; pass it to minter()`)
        return cookie
      }) satisfies Minter
    },
  }
}

export const memoryStorage = serverSide(NAMES.memory, false, async () => {
  const storage = new MemoryStorage({ maxEntries: MEMORY_MAX_ENTRIES })
  return { storage, room: () => MEMORY_MAX_ENTRIES - storage.size }
})

export const redisStorage = serverSide(NAMES.redis, true, async (services) => {
  const url = services?.redisUrl
  if (url === undefined) throw new Error(`${NAMES.redis} needs a Redis URL (the bench starts a redis-server for it)`)
  // no reconnecting: a Redis gone mid-run must fail the run (its requests get 503), not slow it down quietly
  const client = createClient({ url, socket: { connectTimeout: 5000, reconnectStrategy: false } })
  client.on('error', (error: Error) => { console.error(`${NAMES.redis}: ${error.message}`) })
  await client.connect()
  return { storage: new RedisStorage(client), close: () => { client.destroy() } }
})
