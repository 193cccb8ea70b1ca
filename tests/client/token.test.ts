// The client's token middlewares: refreshTokenOn401() and refreshTokenBeforeExpiry(), and their shared single flight.
import { Readable } from 'node:stream'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createClient, refreshTokenBeforeExpiry, refreshTokenOn401 } from '../../src/client/index.js'
import { singleFlight } from '../../src/client/middleware/single-flight.js'
import { reply, type App } from '../../src/index.js'
import { throwsConfig } from '../_helpers/assert.js'
import { deferred, sleep, within } from '../_helpers/async.js'
import { echoApp, serveCounting, type Echo, type EchoServer } from './_server.js'

let server: EchoServer
// the one token the server accepts, and how many requests reached /me
let valid = 'good'
let hits = 0

function routes(app: App): void {
  const me = (auth: string | undefined): ReturnType<typeof reply> =>
    auth === `Bearer ${valid}` ? reply({ ok: true }) : reply('unauthorized', { status: 401, headers: { 'www-authenticate': 'Bearer' } })
  app.all('/me', async (req) => {
    hits++
    await req.text()
    return me(req.headers.authorization)
  })
  // checks the token as the request arrives, but answers after a wait: its 401 comes back late
  app.get('/me/slow', async (req) => {
    hits++
    const ok = req.headers.authorization === `Bearer ${valid}`
    await sleep(Number(req.query.ms ?? 150))
    return ok ? reply({ ok: true }) : reply('unauthorized', { status: 401 })
  })
}

/** A token store whose refresh counts its calls, takes a little while, and makes the server accept the new token. */
function store(initial: string): { token: string; refreshes: number; fail: Error | undefined; getToken: () => Promise<string>; refresh: () => Promise<void> } {
  const s = {
    token: initial,
    refreshes: 0,
    fail: undefined as Error | undefined,
    getToken: async () => s.token,
    refresh: async () => {
      s.refreshes++
      await sleep(30)
      if (s.fail !== undefined) throw s.fail
      s.token = `fresh-${s.refreshes}`
      valid = s.token
    },
  }
  return s
}

const on401 = suite('refreshTokenOn401')
on401.before(async () => { server = await serveCounting(echoApp(routes)) })
on401.after(() => server.close())
on401.before.each(() => {
  valid = 'good'
  hits = 0
})

on401('sends the token as a Bearer header, over any authorization given', async () => {
  const client = createClient({ baseUrl: server.url, headers: { authorization: 'Basic old' }, middlewares: [refreshTokenOn401({ getToken: () => 'abc', refresh: () => {} })] })
  const echo = await (await client.get('/echo')).json<Echo>()
  assert.is(echo.headers.authorization, 'Bearer abc')
  await client.close()
})

on401('a 401 refreshes the token and retries once with the new one', async () => {
  const tokens = store('expired')
  const client = createClient({ baseUrl: server.url, middlewares: [refreshTokenOn401(tokens)] })
  const res = await client.put('/me', { json: { a: 1 } })
  assert.is(res.status, 200)
  assert.equal(await res.json(), { ok: true })
  assert.is(tokens.refreshes, 1)
  assert.is(hits, 2)
  assert.is((await client.get('/me')).status, 200, 'the new token serves the next request')
  assert.is(tokens.refreshes, 1)
  await client.close()
})

on401('concurrent 401s share one refresh, and all succeed', async () => {
  const tokens = store('expired')
  const client = createClient({ baseUrl: server.url, middlewares: [refreshTokenOn401(tokens)] })
  const all = await within(Promise.all(Array.from({ length: 5 }, () => client.get('/me'))), 5000, 'five requests')
  assert.equal(all.map((res) => res.status), [200, 200, 200, 200, 200])
  await Promise.all(all.map((res) => res.discard()))
  assert.is(tokens.refreshes, 1)
  assert.is(hits, 10)
  await client.close()
})

on401('a 401 that comes back after a refresh finished since it was sent retries without refreshing again', async () => {
  const tokens = store('expired')
  const client = createClient({ baseUrl: server.url, middlewares: [refreshTokenOn401(tokens)] })
  const late = client.get('/me/slow?ms=200') // its 401 arrives ~200 ms on, long after the refresh below
  await sleep(20)
  const early = await client.get('/me') // 401, refresh (30 ms), retry
  assert.is(early.status, 200)
  assert.is(tokens.refreshes, 1)
  const res = await within(late, 5000, 'the late request')
  assert.is(res.status, 200)
  assert.is(tokens.refreshes, 1, 'the late 401 did not refresh again')
  await client.close()
})

on401('the generation tells a late 401 apart even when the refresh keeps the token (it was re-authorized)', async () => {
  valid = 'not yet'
  let refreshes = 0
  const activate = async (): Promise<void> => {
    refreshes++
    await sleep(30)
    valid = 'same'
  }
  const client = createClient({ baseUrl: server.url, middlewares: [refreshTokenOn401({ getToken: () => 'same', refresh: activate })] })
  const late = client.get('/me/slow?ms=200')
  await sleep(20)
  assert.is((await client.get('/me')).status, 200)
  assert.is((await within(late, 5000, 'the late request')).status, 200)
  assert.is(refreshes, 1)
  await client.close()
})

on401('a token changed elsewhere since the request was sent is used without a refresh', async () => {
  const tokens = store('expired')
  const client = createClient({ baseUrl: server.url, middlewares: [refreshTokenOn401(tokens)] })
  const late = client.get('/me/slow?ms=100')
  await sleep(20)
  tokens.token = 'rotated'
  valid = 'rotated'
  assert.is((await within(late, 5000, 'the late request')).status, 200)
  assert.is(tokens.refreshes, 0)
  await client.close()
})

on401('a failed refresh rejects every request waiting on it; the next 401 tries again', async () => {
  const tokens = store('expired')
  tokens.fail = new Error('refresh denied')
  const client = createClient({ baseUrl: server.url, middlewares: [refreshTokenOn401(tokens)] })
  const results = await within(Promise.all(Array.from({ length: 3 }, () => client.get('/me').catch((e: unknown) => e))), 5000, 'three requests')
  for (const result of results) assert.is(result, tokens.fail)
  assert.is(tokens.refreshes, 1)
  tokens.fail = undefined
  assert.is((await client.get('/me')).status, 200)
  assert.is(tokens.refreshes, 2)
  await client.close()
})

on401('a 401 to the retry, or to a one-shot stream body, is returned', async () => {
  let refreshes = 0
  const never = refreshTokenOn401({ getToken: () => `wrong-${refreshes}`, refresh: () => { refreshes++ } })
  const client = createClient({ baseUrl: server.url, middlewares: [never] })
  const res = await client.get('/me')
  assert.is(res.status, 401)
  assert.is(await res.text(), 'unauthorized')
  assert.is(refreshes, 1)
  assert.is(hits, 2)
  hits = 0
  const streamed = await client.post('/me', { body: Readable.from([Buffer.from('once')]) })
  assert.is(streamed.status, 401)
  assert.is(refreshes, 1, 'no refresh for a request that cannot be re-sent')
  assert.is(hits, 1)
  await client.close()
})

on401('needs getToken and refresh', () => {
  throwsConfig(() => refreshTokenOn401({ refresh: () => {} } as never), /refreshTokenOn401\(\) needs getToken, a function; got nothing/)
  throwsConfig(() => refreshTokenOn401({ getToken: () => 't', refresh: 'x' } as never), /needs refresh/)
  throwsConfig(() => refreshTokenOn401(undefined as never), /takes \{ getToken, refresh \}/)
})

on401.run()

const expiry = suite('refreshTokenBeforeExpiry')
expiry.before(async () => { server = await serveCounting(echoApp(routes)) })
expiry.after(() => server.close())

/** A store of an expiring token: refresh() counts, takes a little while, and gives a token valid for an hour. */
function expiring(expiresIn: number): {
  current: { token: string; expiresAt: number }
  refreshes: number
  fail: Error | undefined
  getToken: () => { token: string; expiresAt: number }
  refresh: () => Promise<void>
} {
  const s = {
    current: { token: 'first', expiresAt: Date.now() + expiresIn },
    refreshes: 0,
    fail: undefined as Error | undefined,
    getToken: () => s.current,
    refresh: async () => {
      s.refreshes++
      await sleep(30)
      if (s.fail !== undefined) throw s.fail
      s.current = { token: `renewed-${s.refreshes}`, expiresAt: Date.now() + 3_600_000 }
    },
  }
  return s
}

expiry('a fresh token is sent as it is, with no refresh', async () => {
  const tokens = expiring(3_600_000)
  const client = createClient({ baseUrl: server.url, middlewares: [refreshTokenBeforeExpiry(tokens)] })
  for (let i = 0; i < 3; i++) {
    const echo = await (await client.get('/echo')).json<Echo>()
    assert.is(echo.headers.authorization, 'Bearer first')
  }
  assert.is(tokens.refreshes, 0)
  await client.close()
})

expiry('a token expiring within the skew is refreshed once for concurrent requests, which all send the new one', async () => {
  const tokens = expiring(10_000) // inside the default 30 s skew
  const client = createClient({ baseUrl: server.url, middlewares: [refreshTokenBeforeExpiry(tokens)] })
  const all = await within(Promise.all(Array.from({ length: 5 }, () => client.get('/echo'))), 5000, 'five requests')
  const echoes = await Promise.all(all.map((res) => res.json<Echo>()))
  assert.equal(echoes.map((echo) => echo.headers.authorization), Array(5).fill('Bearer renewed-1'))
  assert.is(tokens.refreshes, 1)
  await (await client.get('/echo')).discard()
  assert.is(tokens.refreshes, 1, 'the renewed token is fresh')
  await client.close()
})

expiry('skewSeconds sets how early: 0 waits for the expiry itself', async () => {
  const tokens = expiring(10_000)
  const client = createClient({ baseUrl: server.url, middlewares: [refreshTokenBeforeExpiry({ ...tokens, skewSeconds: 0 })] })
  assert.is((await (await client.get('/echo')).json<Echo>()).headers.authorization, 'Bearer first')
  assert.is(tokens.refreshes, 0)
  const expired = expiring(-1)
  const other = createClient({ baseUrl: server.url, middlewares: [refreshTokenBeforeExpiry({ ...expired, skewSeconds: 0 })] })
  assert.is((await (await other.get('/echo')).json<Echo>()).headers.authorization, 'Bearer renewed-1')
  await client.close()
  await other.close()
})

expiry('a failed refresh rejects the waiting requests, and nothing is sent', async () => {
  const tokens = expiring(0)
  tokens.fail = new Error('cannot renew')
  const client = createClient({ baseUrl: server.url, middlewares: [refreshTokenBeforeExpiry(tokens)] })
  hits = 0
  const results = await within(Promise.all(Array.from({ length: 3 }, () => client.get('/me').catch((e: unknown) => e))), 5000, 'three requests')
  for (const result of results) assert.is(result, tokens.fail)
  assert.is(tokens.refreshes, 1)
  assert.is(hits, 0)
  await client.close()
})

expiry('#4 a slow getToken (10 ms) and 30 requests 1 ms apart make exactly one refresh for one expiry', async () => {
  let current = { token: 'old', expiresAt: Date.now() - 1 }
  let refreshes = 0
  // answers what the store held when asked, 10 ms later, as a remote store would
  const getToken = async (): Promise<{ token: string; expiresAt: number }> => {
    const seen = current
    await sleep(10)
    return seen
  }
  const refresh = async (): Promise<void> => {
    refreshes++
    await sleep(10)
    current = { token: `new-${refreshes}`, expiresAt: Date.now() + 3_600_000 }
  }
  const client = createClient({ baseUrl: server.url, middlewares: [refreshTokenBeforeExpiry({ getToken, refresh })] })
  const pending: Promise<Echo>[] = []
  for (let i = 0; i < 30; i++) {
    pending.push(client.get('/echo').then((res) => res.json<Echo>()))
    await sleep(1)
  }
  const echoes = await within(Promise.all(pending), 5000, 'thirty requests')
  assert.is(refreshes, 1)
  assert.equal(new Set(echoes.map((echo) => echo.headers.authorization)), new Set(['Bearer new-1']))
  await client.close()
})

expiry('checks its options', () => {
  const ok = { getToken: () => ({ token: 't', expiresAt: 0 }), refresh: () => {} }
  throwsConfig(() => refreshTokenBeforeExpiry({ ...ok, skewSeconds: -1 }), /skewSeconds must be a number of seconds from 0 up/)
  throwsConfig(() => refreshTokenBeforeExpiry({ ...ok, skewSeconds: Number.NaN }), /skewSeconds/)
  throwsConfig(() => refreshTokenBeforeExpiry({ getToken: ok.getToken } as never), /needs refresh/)
})

expiry('a getToken that gives no expiry is an error, not a silent never-refresh', async () => {
  const client = createClient({ baseUrl: server.url, middlewares: [refreshTokenBeforeExpiry({ getToken: () => ({ token: 't' }) as never, refresh: () => {} })] })
  const error = await client.get('/echo').catch((e: unknown) => e)
  assert.instance(error, TypeError)
  assert.match((error as Error).message, /expiresAt in Unix milliseconds/)
  await client.close()
})

expiry.run()

const flight = suite('singleFlight')

flight('calls made while a run is under way share it; it is forgotten once settled', async () => {
  let runs = 0
  const gate = deferred()
  const once = singleFlight(async () => {
    runs++
    await gate.promise
    return runs
  })
  assert.is(once.current, undefined)
  const a = once()
  const b = once()
  assert.is(a, b)
  assert.is(once.current, a)
  gate.resolve()
  assert.equal(await Promise.all([a, b]), [1, 1])
  assert.is(once.current, undefined)
  assert.is(await once(), 2)
})

flight('a synchronous throw becomes a rejection shared by the callers, then cleared', async () => {
  let runs = 0
  const once = singleFlight((): number => {
    runs++
    throw new Error(`failed ${runs}`)
  })
  const a = once()
  const b = once()
  const errors = await Promise.all([a.catch((e: Error) => e.message), b.catch((e: Error) => e.message)])
  assert.equal(errors, ['failed 1', 'failed 1'])
  assert.is(once.current, undefined)
  assert.is(await once().catch((e: Error) => e.message), 'failed 2')
})

flight.run()
