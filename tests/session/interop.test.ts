// routechain's cookie storages against Python's real aiohttp_session (Debian's python3-aiohttp-session), over
// real HTTP: a cookie one side writes must load on the other side with the same key and cookie name. Both
// servers listen on 127.0.0.1 (different ports); one cookie jar plays the browser for both, as a browser would
// (cookies are not kept apart by port), sending each value back exactly as it was set: the raw text between
// `NAME=` and the first `;`, quotes and backslash escapes included.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  EncryptedCookieStorage,
  generateKey,
  NaClCookieStorage,
  SimpleCookieStorage,
  type SessionStorage,
} from '../../src/index.js'
import { Jar, type Answer } from '../_helpers/cookie-jar.js'
import type { ServerProcess } from '../../bench/server-process.js'
import { AIOHTTP_APP, startPythonApp } from '../_helpers/python.js'
import { hasPythonModules, needs } from '../_helpers/services.js'
import { ALICE, COOKIE, noErrors, setPath, startRoutechain, TRICKY, type RoutechainServer } from './_interop.js'

function havePython(): boolean {
  return needs(
    'Python aiohttp_session (Debian python3-aiohttp-session, python3-nacl, python3-cryptography)',
    hasPythonModules('aiohttp', 'aiohttp_session', 'nacl', 'cryptography'),
    'apt-get install python3-aiohttp-session python3-nacl python3-cryptography',
  )
}

type Kind = 'encrypted' | 'nacl' | 'simple'

/**
 * Runs `body` with tests/_helpers/aiohttp_app.py on a `kind` storage with `pythonKey`, and routechain on
 * `storage`, both with the cookie name COOKIE; then checks that routechain logged no error, and stops both.
 */
async function withBoth(
  kind: Kind, pythonKey: string, storage: SessionStorage, body: (python: ServerProcess, rc: RoutechainServer) => Promise<void>, maxAge?: number | null,
): Promise<void> {
  const python = await startPythonApp(AIOHTTP_APP, [kind, pythonKey, COOKIE, '0'])
  let rc: RoutechainServer | undefined
  try {
    rc = await startRoutechain(storage, undefined, maxAge)
    await body(python, rc)
    noErrors(rc)
  } finally {
    await rc?.close()
    await python.stop()
  }
}

/** Asserts the answer is a 200 with a session; the message carries what both sides said. */
function ok(answer: Answer, who: string, python: ServerProcess, rc: RoutechainServer): void {
  assert.is(answer.status, 200, `${who} answered ${answer.status}: ${answer.raw}\nPython stderr:\n${python.stderr()}\nroutechain log:\n${rc.logLines.join('\n')}`)
}

/** Whether the Python process's stderr shows `pattern` within 2 s. */
async function logged(python: ServerProcess, pattern: RegExp): Promise<boolean> {
  for (const deadline = Date.now() + 2000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
    if (pattern.test(python.stderr())) return true
  }
  return pattern.test(python.stderr())
}

// ---------------------------------------------------------------------------------------------------------------

const interop = suite('aiohttp_session interop')

/**
 * The three exchanges the two implementations must agree on, with the same key and cookie name:
 * Python writes → routechain reads; routechain writes → Python reads; Python → routechain changes → Python reads
 * (→ Python changes → routechain reads).
 */
async function sharesSessions(kind: Kind, makeStorage: (key: string) => SessionStorage, checkRaw?: (raw: string) => void): Promise<void> {
  const key = generateKey()
  await withBoth(kind, key, makeStorage(key), async (python, routechain) => {
    // (1) Python sets → routechain reads the same data, not new, with Python's `created`; nothing to rewrite.
    // Three payloads 16 bytes apart give tokens whose byte lengths differ by 16 ≡ 1 (mod 3) (for Fernet, one AES
    // block each), so their base64 ends in '', '=' and '==' in some order: Python's http.cookies leaves a value
    // without '=' bare (if it has no other character it dislikes) and quotes the rest.
    const pythonRaws: string[] = []
    for (const pad of ['', 'x'.repeat(16), 'x'.repeat(32)]) {
      const data = { ...ALICE, ...TRICKY, pad }
      const jar = new Jar()
      const set = await jar.call(python.url + setPath(data))
      ok(set, 'Python /set', python, routechain)
      const raw = jar.get(COOKIE)
      assert.type(raw, 'string', `Python set no ${COOKIE} cookie: ${set.setCookie.join(' | ')}`)
      pythonRaws.push(raw as string)
      checkRaw?.(raw as string)
      const got = await jar.call(routechain.url + '/get')
      ok(got, 'routechain /get', python, routechain)
      assert.equal(got.body.data, data, `routechain read Python's cookie ${raw}`)
      assert.is(got.body.new, false, 'a session Python wrote is not new to routechain')
      assert.is(got.body.created, set.body.created, "routechain keeps Python's created")
      assert.equal(got.setCookie, [], 'an unchanged session that loaded sets no cookie (it did not count as stale)')
      assert.is(jar.get(COOKIE), raw)
    }
    assert.ok(pythonRaws.some((raw) => raw.startsWith('"')), `no quoted Python cookie was tried: ${pythonRaws.join(' | ')}`)

    // (2) routechain sets → Python reads the same data, not new, with routechain's `created`
    {
      const jar = new Jar()
      const set = await jar.call(routechain.url + setPath({ ...ALICE, ...TRICKY }))
      ok(set, 'routechain /set', python, routechain)
      const raw = jar.get(COOKIE)
      assert.type(raw, 'string', `routechain set no ${COOKIE} cookie: ${set.setCookie.join(' | ')}`)
      checkRaw?.(raw as string)
      const got = await jar.call(python.url + '/get')
      ok(got, 'Python /get', python, routechain)
      assert.equal(got.body.data, { ...ALICE, ...TRICKY }, `Python read routechain's cookie ${raw}`)
      assert.is(got.body.new, false, 'a session routechain wrote is not new to Python')
      assert.is(got.body.created, set.body.created, "Python keeps routechain's created")
      assert.equal(got.setCookie, [], 'Python rewrites nothing it did not change')
    }

    // (3) Python sets → routechain changes and removes → Python reads the change → Python changes → routechain reads
    {
      const jar = new Jar()
      ok(await jar.call(python.url + setPath({ ...ALICE, drop: 'me' })), 'Python /set', python, routechain)
      const changed = await jar.call(routechain.url + setPath({ n: 2, by: 'routechain', unicode: 'ça ✓✓' }))
      ok(changed, 'routechain /set', python, routechain)
      assert.is(changed.body.new, false)
      assert.is(changed.setCookie.length, 1, 'routechain saves the change')
      ok(await jar.call(routechain.url + '/del?key=drop'), 'routechain /del', python, routechain)
      const expected = { user: 'alice', n: 2, unicode: 'ça ✓✓', by: 'routechain' }
      const seen = await jar.call(python.url + '/get')
      ok(seen, 'Python /get', python, routechain)
      assert.equal(seen.body.data, expected, "Python sees routechain's change")
      assert.is(seen.body.new, false)

      const again = await jar.call(python.url + '/set?key=n&json=3')
      ok(again, 'Python /set', python, routechain)
      const back = await jar.call(routechain.url + '/get')
      ok(back, 'routechain /get', python, routechain)
      assert.equal(back.body.data, { ...expected, n: 3 }, "routechain sees Python's change")
      assert.is(back.body.new, false)
      assert.is(back.body.created, again.body.created)

      // logout on the routechain side: the cookie is cleared, so Python starts afresh
      ok(await jar.call(routechain.url + '/invalidate'), 'routechain /invalidate', python, routechain)
      assert.is(jar.get(COOKIE), undefined, 'routechain cleared the cookie')
      const after = await jar.call(python.url + '/get')
      ok(after, 'Python /get', python, routechain)
      assert.equal(after.body.data, {})
      assert.is(after.body.new, true)
    }
  })
}

/** Different keys: each side takes the other's cookie for a fresh session; no 500, no error logged. */
async function keyMismatch(kind: Kind, makeStorage: (key: string) => SessionStorage): Promise<void> {
  await withBoth(kind, generateKey(), makeStorage(generateKey()), async (python, routechain) => {
    // Python's cookie → routechain: fresh session, and the cookie it cannot read is cleared
    {
      const jar = new Jar()
      ok(await jar.call(python.url + setPath(ALICE)), 'Python /set', python, routechain)
      assert.type(jar.get(COOKIE), 'string')
      const got = await jar.call(routechain.url + '/get')
      ok(got, 'routechain /get', python, routechain)
      assert.equal(got.body.data, {})
      assert.is(got.body.new, true)
      assert.is(got.setCookie.length, 1, 'routechain clears the cookie it could not load')
      assert.match(got.setCookie[0] as string, new RegExp(`^${COOKIE}=;.*Max-Age=0`))
      assert.is(jar.get(COOKIE), undefined)
    }

    // routechain's cookie → Python: fresh session (aiohttp_session logs "Cannot decrypt cookie value")
    {
      const jar = new Jar()
      ok(await jar.call(routechain.url + setPath(ALICE)), 'routechain /set', python, routechain)
      assert.type(jar.get(COOKIE), 'string')
      const got = await jar.call(python.url + '/get')
      ok(got, 'Python /get', python, routechain)
      assert.equal(got.body.data, {})
      assert.is(got.body.new, true)
      // logged before Python answered, but the pipe may deliver it after the HTTP response: wait a little
      assert.ok(await logged(python, /Cannot decrypt cookie value/), `Python logged no decrypt failure; stderr:\n${python.stderr()}`)
      // and a change made there replaces the unreadable cookie with one routechain cannot read either
      ok(await jar.call(python.url + '/set?key=user&value=bob'), 'Python /set', python, routechain)
      const mine = await jar.call(routechain.url + '/get')
      ok(mine, 'routechain /get', python, routechain)
      assert.equal(mine.body.data, {})
      assert.is(mine.body.new, true)
    }
  })
}

/** The cookie storages both sides have: the shape of the cookie value each writes; keyed ones take a key. */
const storages: readonly { kind: Kind; name: string; keyed: boolean; make(key: string): SessionStorage; checkRaw(raw: string): void }[] = [
  {
    kind: 'encrypted',
    name: 'EncryptedCookieStorage',
    keyed: true,
    make: (key) => new EncryptedCookieStorage(key),
    checkRaw: (raw) => {
      // a Fernet token; Python quotes it when it ends in '=' (not a legal unquoted cookie character for it)
      assert.match(raw, /^"?gAAAAA[A-Za-z0-9_-]+={0,2}"?$/)
    },
  },
  {
    kind: 'nacl',
    name: 'NaClCookieStorage',
    keyed: true,
    make: (key) => new NaClCookieStorage(key),
    checkRaw: (raw) => {
      // standard base64 of nonce ‖ box; Python quotes it when it holds '/' or '=' (the usual case)
      assert.match(raw, /^"?[A-Za-z0-9+/]+={0,2}"?$/)
    },
  },
  {
    kind: 'simple',
    name: 'SimpleCookieStorage',
    keyed: false,
    make: () => new SimpleCookieStorage(),
    checkRaw: (raw) => {
      // JSON in a Python-quoted cookie: \" for quotes, \054 for commas, \073 for ';', \\ for backslashes
      assert.ok(raw.startsWith('"{') && raw.endsWith('}"'), `not a quoted JSON cookie: ${raw}`)
      assert.match(raw, /\\054/)
      assert.match(raw, /\\073/)
      assert.not.match(raw, /[,;]/)
    },
  },
]

for (const st of storages) {
  interop(`${st.name}: Python and routechain read and change each other’s sessions`, async () => {
    if (!havePython()) return
    await sharesSessions(st.kind, st.make, st.checkRaw)
  })

  if (st.keyed) {
    interop(`${st.name}: with different keys each side sees a fresh session, no 500`, async () => {
      if (!havePython()) return
      await keyMismatch(st.kind, st.make)
    })
  }
}

interop('EncryptedCookieStorage: NaN and -Infinity written by Python survive a rewrite by routechain', async () => {
  if (!havePython()) return
  const key = generateKey()
  await withBoth('encrypted', key, new EncryptedCookieStorage(key), async (python, rc) => {
    const jar = new Jar()
    ok(await jar.call(python.url + '/set?key=x&json=NaN'), 'Python /set x', python, rc)
    ok(await jar.call(python.url + '/set?key=y&json=-Infinity'), 'Python /set y', python, rc)
    const changed = await jar.call(rc.url + '/set?key=z&value=1')
    ok(changed, 'routechain /set z', python, rc)
    assert.is(changed.body.new, false, 'the session Python wrote loaded in routechain')
    const back = await jar.call(python.url + '/get')
    ok(back, 'Python /get', python, rc)
    assert.match(back.raw, /"x": NaN/)
    assert.match(back.raw, /"y": -Infinity/)
    assert.match(back.raw, /"z": "1"/)
  })
})

interop('SimpleCookieStorage: Python’s "{}" cookie for an emptied session loads as a fresh one in routechain', async () => {
  if (!havePython()) return
  await withBoth('simple', generateKey(), new SimpleCookieStorage(), async (python, rc) => {
    const jar = new Jar()
    ok(await jar.call(python.url + setPath(ALICE)), 'Python /set', python, rc)
    ok(await jar.call(python.url + '/invalidate'), 'Python /invalidate', python, rc)
    // aiohttp_session's SimpleCookieStorage writes json.dumps({}) for an empty session instead of deleting
    assert.is(jar.get(COOKIE), '"{}"')
    const got = await jar.call(rc.url + '/get')
    ok(got, 'routechain /get', python, rc)
    assert.equal(got.body.data, {})
    assert.is(got.body.new, true)
  })
})

for (const kind of ['encrypted', 'simple'] as const) {
  const make = (key: string): SessionStorage => (kind === 'encrypted' ? new EncryptedCookieStorage(key) : new SimpleCookieStorage())
  const payload = `/raw?payload=${encodeURIComponent(JSON.stringify({ session: { user: 'alice' } }))}`

  interop(`${kind}: a payload without created loads as aiohttp_session loads it: with maxAge null, new-born (#13)`, async () => {
    if (!havePython()) return
    const key = generateKey()
    await withBoth(kind, key, make(key), async (python, rc) => {
      const jar = new Jar()
      ok(await jar.call(python.url + payload), 'Python /raw', python, rc)
      const before = Math.floor(Date.now() / 1000)
      const inPython = await jar.call(python.url + '/get')
      ok(inPython, 'Python /get', python, rc)
      assert.equal(inPython.body.data, { user: 'alice' }, 'aiohttp_session with max_age=None loads it')
      const got = await jar.call(rc.url + '/get')
      ok(got, 'routechain /get', python, rc)
      assert.equal(got.body.data, { user: 'alice' })
      assert.is(got.body.new, false)
      assert.ok(Number(got.body.created) >= before, 'its age is unknown, so it counts from now, as in Python')
    }, null)
  })

  interop(`${kind}: a payload without created is expired under a maxAge, as under aiohttp_session's max_age (#13)`, async () => {
    if (!havePython()) return
    const key = generateKey()
    await withBoth(kind, key, make(key), async (python, rc) => {
      const jar = new Jar()
      ok(await jar.call(python.url + payload), 'Python /raw', python, rc)
      const got = await jar.call(rc.url + '/get')
      ok(got, 'routechain /get', python, rc)
      assert.equal(got.body.data, {})
      assert.is(got.body.new, true)
    })
  })
}

interop.run()
