// Revocation for cookie storages (#13): a cookie copied before logout keeps loading until it expires unless
// the app opts into a revocation list. Over real HTTP, on both production cookie storages, with the list in
// memory and in a real redis-server (node-redis and ioredis): logout and regenerate revoke every cookie the
// session was saved to, for as long as a copy could load; other sessions are untouched; cookies from before
// revocations were on still load; misconfiguration throws at start-up.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  createApp,
  MemoryRevocations,
  MemoryStorage,
  RedisRevocations,
  type RevocationList,
  type SessionStorage,
} from '../../src/index.js'
import { throwsConfig } from '../_helpers/assert.js'
import { withServer } from '../_helpers/http.js'
import { CLIENT_KINDS, redisFixture } from '../_helpers/redis.js'
import { storageApp } from './_storage-app.js'
import { Browser, cookieStorages, expectSaved, withCookie } from './_support.js'

const redis = redisFixture()

interface ListCase {
  readonly name: string
  /** A fresh list, or undefined when its service is missing outside CI (the fixture printed SKIPPED). */
  make(): RevocationList | undefined
}

const lists: readonly ListCase[] = [
  { name: 'MemoryRevocations', make: () => new MemoryRevocations() },
  ...CLIENT_KINDS.map((kind) => ({
    name: `RedisRevocations (${kind})`,
    make: () => (redis.ready() ? new RedisRevocations(redis.client(kind), { prefix: `revoked_${Math.random().toString(36).slice(2)}_` }) : undefined),
  })),
]

const revoking = suite('session revocations')
revoking.before(redis.before)
revoking.after(redis.after)

revoking('without a revocation list, a cookie copied before logout still loads (what the list is for)', async () => {
  const storage = cookieStorages[0]!.make()
  await withServer(storageApp(storage, { session: { maxAge: 3600 } }), async (s) => {
    const browser = new Browser(s)
    await browser.fetch('/login', 'POST')
    const copied = browser.value as string
    await browser.fetch('/logout', 'POST')
    assert.is(browser.value, undefined)
    const thief = await s.fetch('/whoami', withCookie(copied))
    assert.equal(JSON.parse(thief.body), { isNew: false, data: { user: 'alice' } })
  })
})

for (const storageCase of cookieStorages) {
  for (const listCase of lists) {
    const name = `${storageCase.name} + ${listCase.name}`

    revoking(`${name}: logout revokes the session; every cookie it was saved to stops loading`, async () => {
      const list = listCase.make()
      if (list === undefined) return
      await withServer(storageApp(storageCase.make(), { session: { maxAge: 3600, revocations: list } }), async (s) => {
        const browser = new Browser(s)
        await browser.fetch('/login', 'POST')
        const first = browser.value as string
        await browser.fetch('/set/theme/dark', 'POST')
        const second = browser.value as string
        assert.is.not(first, second)
        // before logout both copies load
        assert.equal(JSON.parse((await s.fetch('/whoami', withCookie(first))).body).data, { user: 'alice' })
        await browser.fetch('/logout', 'POST')
        for (const copied of [first, second]) {
          const thief = await s.fetch('/whoami', withCookie(copied))
          assert.equal(JSON.parse(thief.body), { isNew: true, data: {} })
        }
      })
    })

    revoking(`${name}: regenerate() revokes the cookie from before it; the new one loads; others are untouched`, async () => {
      const list = listCase.make()
      if (list === undefined) return
      await withServer(storageApp(storageCase.make(), { session: { idleTimeout: 600, revocations: list } }), async (s) => {
        const other = new Browser(s)
        await other.fetch('/set/user/bob', 'POST')
        const browser = new Browser(s)
        await browser.fetch('/set/cart/3', 'POST')
        const before = browser.value as string
        await browser.fetch('/login', 'POST')
        assert.equal(JSON.parse((await s.fetch('/whoami', withCookie(before))).body), { isNew: true, data: {} })
        assert.equal(JSON.parse((await browser.fetch('/whoami')).body), { isNew: false, data: { cart: '3', user: 'alice' } })
        assert.equal(JSON.parse((await other.fetch('/whoami')).body), { isNew: false, data: { user: 'bob' } })
      })
    })
  }
}

revoking('an id is revoked for as long as a copy could load: the idle timeout here, and not past maxAge', async () => {
  const revoked: { id: string; seconds: number }[] = []
  const inner = new MemoryRevocations()
  const list: RevocationList = {
    revoke: (id, seconds) => { revoked.push({ id, seconds }); inner.revoke(id, seconds) },
    isRevoked: (id) => inner.isRevoked(id),
  }
  await withServer(storageApp(cookieStorages[0]!.make(), { session: { maxAge: 3600, idleTimeout: 120, revocations: list } }), async (s) => {
    const browser = new Browser(s)
    await browser.fetch('/login', 'POST')
    await browser.fetch('/logout', 'POST')
  })
  assert.is(revoked.length, 1)
  assert.match(revoked[0]!.id, /^[0-9a-f]{32}$/)
  assert.ok(revoked[0]!.seconds > 110 && revoked[0]!.seconds <= 120, `revoked for ${revoked[0]!.seconds} s`)
})

revoking('RedisRevocations keeps one key per revoked id, expiring with it', async () => {
  if (!redis.ready()) return
  const list = new RedisRevocations(redis.client('node-redis'), { prefix: 'ttl_check_' })
  await withServer(storageApp(cookieStorages[1]!.make(), { session: { idleTimeout: 300, revocations: list } }), async (s) => {
    const browser = new Browser(s)
    await browser.fetch('/login', 'POST')
    await browser.fetch('/logout', 'POST')
  })
  const keys = await redis.server.command('KEYS', 'ttl_check_*') as string[]
  assert.is(keys.length, 1)
  const left = Number(await redis.server.command('TTL', keys[0]!))
  assert.ok(left > 290 && left <= 300, `TTL ${left}`)
})

revoking('a cookie saved before revocations were on still loads, and gets an id on its next save', async () => {
  const storage = cookieStorages[0]!.make()
  let old = ''
  await withServer(storageApp(storage, { session: { maxAge: 3600 } }), async (s) => {
    old = expectSaved(await s.fetch('/set/user/carol', { method: 'POST' }))
  })
  await withServer(storageApp(storage, { session: { maxAge: 3600, revocations: new MemoryRevocations() } }), async (s) => {
    const browser = new Browser(s)
    browser.value = old
    assert.equal(JSON.parse((await browser.fetch('/whoami')).body), { isNew: false, data: { user: 'carol' } })
    await browser.fetch('/set/theme/light', 'POST')
    const withId = browser.value as string
    await browser.fetch('/logout', 'POST')
    assert.equal(JSON.parse((await s.fetch('/whoami', withCookie(withId))).body), { isNew: true, data: {} })
  })
})

revoking('a list that cannot record a revocation answers 503 at logout rather than leave the cookie working', async () => {
  const list = new MemoryRevocations({ maxEntries: 1 })
  await withServer(storageApp(cookieStorages[0]!.make(), { session: { maxAge: 3600, revocations: list } }), async (s) => {
    const first = new Browser(s)
    await first.fetch('/login', 'POST')
    assert.is((await first.fetch('/logout', 'POST')).status, 200)
    const second = new Browser(s)
    await second.fetch('/login', 'POST')
    const copied = second.value as string
    const out = await second.fetch('/logout', 'POST')
    assert.is(out.status, 503)
    assert.equal(JSON.parse((await s.fetch('/whoami', withCookie(copied))).body).data, { user: 'alice' })
  })
})

revoking('misconfiguration throws at start-up with what to do', () => {
  const storage: SessionStorage = cookieStorages[0]!.make()
  throwsConfig(() => createApp({ session: { storage, maxAge: null, revocations: new MemoryRevocations() } }), /needs maxAge or idleTimeout/)
  throwsConfig(() => createApp({ session: { storage: new MemoryStorage(), revocations: new MemoryRevocations() } }), /for cookie storages/)
  throwsConfig(() => createApp({ session: { storage, revocations: {} as RevocationList } }), /revoke\(id, seconds\) and isRevoked\(id\)/)
  throwsConfig(() => new MemoryRevocations({ maxEntries: 0 }), /maxEntries/)
  throwsConfig(() => new RedisRevocations({} as never), /connected Redis client/)
})

revoking.run()
