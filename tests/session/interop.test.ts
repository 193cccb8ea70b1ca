// routechain's cookie storages against Python's real aiohttp_session (Debian's python3-aiohttp-session), over
// real HTTP: a cookie one side writes must load on the other side with the same key and cookie name. Both
// servers listen on 127.0.0.1 (different ports); one cookie jar plays the browser for both, as a browser would
// (cookies are not kept apart by port), sending each value back exactly as it was set: the raw text between
// `NAME=` and the first `;`, quotes and backslash escapes included.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { request } from 'undici'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  createApp,
  EncryptedCookieStorage,
  generateKey,
  json,
  NaClCookieStorage,
  SimpleCookieStorage,
  type RouteRequest,
  type SessionStorage,
} from '../../src/index.js'
import { recordingLogger, serve, type TestServer } from '../_helpers/http.js'
import { hasPythonModules, needs } from '../_helpers/services.js'

const COOKIE = 'AIOHTTP_SESSION'
const PYTHON = '/usr/bin/python3' // Debian's: the python3 first on PATH may not have the modules
// compiled to .build/tests/session/; the script stays in the source tree
const PY_APP = fileURLToPath(new URL('../../../tests/_helpers/aiohttp_app.py', import.meta.url))
const STARTUP_MS = 10_000

function havePython(): boolean {
  return needs(
    'Python aiohttp_session (Debian python3-aiohttp-session, python3-nacl, python3-cryptography)',
    hasPythonModules('aiohttp', 'aiohttp_session', 'nacl', 'cryptography'),
    'apt-get install python3-aiohttp-session python3-nacl python3-cryptography',
  )
}

// ---------------------------------------------------------------------------------------------------------------
// The Python side

type Kind = 'encrypted' | 'nacl' | 'simple'

interface PythonServer {
  readonly url: string
  /** What the Python process wrote to stderr so far (aiohttp_session logs "Cannot decrypt cookie value" there). */
  stderr(): string
  stop(): Promise<void>
}

/** Starts tests/_helpers/aiohttp_app.py on a free port; rejects if it has not printed its port within 10 s. */
async function startPython(kind: Kind, key: string): Promise<PythonServer> {
  assert.ok(existsSync(PY_APP), `the Python app is missing at ${PY_APP}`)
  const child = spawn(PYTHON, [PY_APP, kind, key, COOKIE, '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
  })
  let stdout = ''
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const stop = (): Promise<void> => stopChild(child)
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the aiohttp app did not print its port within ${STARTUP_MS} ms; stderr:\n${stderr}`)), STARTUP_MS)
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk
        const line = /^(\d+)\r?\n/.exec(stdout)
        if (line !== null) {
          clearTimeout(timer)
          resolve(Number(line[1]))
        }
      })
      child.once('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`the aiohttp app exited (${code ?? signal}) before listening; stdout:\n${stdout}\nstderr:\n${stderr}`))
      })
    })
    return { url: `http://127.0.0.1:${port}`, stderr: () => stderr, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** Ends the child we started: SIGTERM, then SIGKILL if it has not gone after 2 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
  await exited
  clearTimeout(timer)
}

// ---------------------------------------------------------------------------------------------------------------
// The routechain side: the same routes as the Python app

interface RoutechainServer extends TestServer {
  /** What routechain logged: an `error` line here means a request failed. */
  readonly logLines: string[]
}

function field(req: RouteRequest, name: string): string | undefined {
  const value = req.query[name]
  return Array.isArray(value) ? value[0] : value
}

async function startRoutechain(storage: SessionStorage): Promise<RoutechainServer> {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger, session: { storage, cookie: { name: COOKIE } } })
  const describe = (session: { isNew: boolean; createdAt: number; toJSON(): object }) =>
    json({ new: session.isNew, created: session.createdAt, data: session.toJSON() })
  app.get('/get', async (req) => describe(await req.session()))
  app.get('/set', async (req) => {
    const session = await req.session()
    const data = field(req, 'data')
    const key = field(req, 'key')
    if (data !== undefined) {
      for (const [k, v] of Object.entries(JSON.parse(data) as Record<string, unknown>)) session.set(k, v)
    } else if (key !== undefined && field(req, 'json') !== undefined) {
      session.set(key, JSON.parse(field(req, 'json') as string))
    } else if (key !== undefined && field(req, 'value') !== undefined) {
      session.set(key, field(req, 'value'))
    } else {
      return json({ error: 'give key and value, key and json, or data' }, { status: 400 })
    }
    return describe(session)
  })
  app.get('/del', async (req) => {
    const session = await req.session()
    session.delete(field(req, 'key') ?? '')
    return describe(session)
  })
  app.get('/invalidate', async (req) => {
    const session = await req.session()
    session.invalidate()
    return describe(session)
  })
  const server = await serve(app)
  return Object.assign(server, { logLines: lines })
}

// ---------------------------------------------------------------------------------------------------------------
// The browser: one cookie jar for both servers

interface SessionView {
  new: boolean
  created: number
  data: Record<string, unknown>
}

interface Answer {
  status: number
  body: SessionView
  raw: string
  /** The Set-Cookie headers of the response, as sent. */
  setCookie: string[]
}

/** Keeps cookies as a browser does: the raw value between `NAME=` and the first `;`, quotes and all. */
class Jar {
  readonly #cookies = new Map<string, string>()

  get(name: string): string | undefined {
    return this.#cookies.get(name)
  }

  header(): string | undefined {
    if (this.#cookies.size === 0) return undefined
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  take(setCookie: readonly string[]): void {
    for (const line of setCookie) {
      const semicolon = line.indexOf(';')
      const pair = semicolon === -1 ? line : line.slice(0, semicolon)
      const eq = pair.indexOf('=')
      if (eq === -1) continue
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const attributes = semicolon === -1 ? '' : line.slice(semicolon)
      const maxAge = /;\s*max-age=(-?\d+)/i.exec(attributes)
      const expires = /;\s*expires=([^;]+)/i.exec(attributes)
      const gone = maxAge !== null
        ? Number(maxAge[1]) <= 0
        : expires !== null && Date.parse((expires[1] as string).replace(/-/g, ' ')) <= Date.now()
      if (gone) this.#cookies.delete(name)
      else this.#cookies.set(name, value)
    }
  }
}

async function call(jar: Jar, base: string, path: string): Promise<Answer> {
  const cookie = jar.header()
  const res = await request(base + path, cookie === undefined ? {} : { headers: { cookie } })
  const raw = await res.body.text()
  const header = res.headers['set-cookie']
  const setCookie = header === undefined ? [] : Array.isArray(header) ? header : [header]
  jar.take(setCookie)
  let body: SessionView
  try {
    body = JSON.parse(raw) as SessionView
  } catch {
    body = { new: true, created: 0, data: { unparsed: raw } }
  }
  return { status: res.statusCode, body, raw, setCookie }
}

/** `/set?data=…` for an object of values. */
function setPath(data: Record<string, unknown>): string {
  return `/set?data=${encodeURIComponent(JSON.stringify(data))}`
}

const ALICE = { user: 'alice', n: 1, unicode: 'héllo ✓' }
// what cookie quoting and JSON escaping must both survive: , ; " \ / = spaces, a control, Latin-1, BMP and astral
const TRICKY = { tricky: 'a;b,c "q" \\back\\ /sl=ash\t é ✓ 😀', nested: { list: [1, 'two', null, true], empty: {} } }

/** Asserts the answer is a 200 with a session; the message carries what both sides said. */
function ok(answer: Answer, who: string, python: PythonServer, rc: RoutechainServer): void {
  assert.is(answer.status, 200, `${who} answered ${answer.status}: ${answer.raw}\nPython stderr:\n${python.stderr()}\nroutechain log:\n${rc.logLines.join('\n')}`)
}

/** Whether the Python process's stderr shows `pattern` within 2 s. */
async function logged(python: PythonServer, pattern: RegExp): Promise<boolean> {
  for (const deadline = Date.now() + 2000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
    if (pattern.test(python.stderr())) return true
  }
  return pattern.test(python.stderr())
}

function noErrors(rc: RoutechainServer): void {
  assert.equal(rc.logLines.filter((line) => line.startsWith('error')), [], 'routechain logged errors')
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
  const python = await startPython(kind, key)
  let rc: RoutechainServer | undefined
  try {
    rc = await startRoutechain(makeStorage(key))
    const routechain = rc

    // (1) Python sets → routechain reads the same data, not new, with Python's `created`; nothing to rewrite.
    // Three payloads 16 bytes apart give tokens whose byte lengths differ by 16 ≡ 1 (mod 3) (for Fernet, one AES
    // block each), so their base64 ends in '', '=' and '==' in some order: Python's http.cookies leaves a value
    // without '=' bare (if it has no other character it dislikes) and quotes the rest.
    const pythonRaws: string[] = []
    for (const pad of ['', 'x'.repeat(16), 'x'.repeat(32)]) {
      const data = { ...ALICE, ...TRICKY, pad }
      const jar = new Jar()
      const set = await call(jar, python.url, setPath(data))
      ok(set, 'Python /set', python, routechain)
      const raw = jar.get(COOKIE)
      assert.type(raw, 'string', `Python set no ${COOKIE} cookie: ${set.setCookie.join(' | ')}`)
      pythonRaws.push(raw as string)
      checkRaw?.(raw as string)
      const got = await call(jar, routechain.url, '/get')
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
      const set = await call(jar, routechain.url, setPath({ ...ALICE, ...TRICKY }))
      ok(set, 'routechain /set', python, routechain)
      const raw = jar.get(COOKIE)
      assert.type(raw, 'string', `routechain set no ${COOKIE} cookie: ${set.setCookie.join(' | ')}`)
      checkRaw?.(raw as string)
      const got = await call(jar, python.url, '/get')
      ok(got, 'Python /get', python, routechain)
      assert.equal(got.body.data, { ...ALICE, ...TRICKY }, `Python read routechain's cookie ${raw}`)
      assert.is(got.body.new, false, 'a session routechain wrote is not new to Python')
      assert.is(got.body.created, set.body.created, "Python keeps routechain's created")
      assert.equal(got.setCookie, [], 'Python rewrites nothing it did not change')
    }

    // (3) Python sets → routechain changes and removes → Python reads the change → Python changes → routechain reads
    {
      const jar = new Jar()
      ok(await call(jar, python.url, setPath({ ...ALICE, drop: 'me' })), 'Python /set', python, routechain)
      const changed = await call(jar, routechain.url, setPath({ n: 2, by: 'routechain', unicode: 'ça ✓✓' }))
      ok(changed, 'routechain /set', python, routechain)
      assert.is(changed.body.new, false)
      assert.is(changed.setCookie.length, 1, 'routechain saves the change')
      ok(await call(jar, routechain.url, '/del?key=drop'), 'routechain /del', python, routechain)
      const expected = { user: 'alice', n: 2, unicode: 'ça ✓✓', by: 'routechain' }
      const seen = await call(jar, python.url, '/get')
      ok(seen, 'Python /get', python, routechain)
      assert.equal(seen.body.data, expected, "Python sees routechain's change")
      assert.is(seen.body.new, false)

      const again = await call(jar, python.url, '/set?key=n&json=3')
      ok(again, 'Python /set', python, routechain)
      const back = await call(jar, routechain.url, '/get')
      ok(back, 'routechain /get', python, routechain)
      assert.equal(back.body.data, { ...expected, n: 3 }, "routechain sees Python's change")
      assert.is(back.body.new, false)
      assert.is(back.body.created, again.body.created)

      // logout on the routechain side: the cookie is cleared, so Python starts afresh
      ok(await call(jar, routechain.url, '/invalidate'), 'routechain /invalidate', python, routechain)
      assert.is(jar.get(COOKIE), undefined, 'routechain cleared the cookie')
      const after = await call(jar, python.url, '/get')
      ok(after, 'Python /get', python, routechain)
      assert.equal(after.body.data, {})
      assert.is(after.body.new, true)
    }
    noErrors(routechain)
  } finally {
    await rc?.close()
    await python.stop()
  }
}

/** Different keys: each side takes the other's cookie for a fresh session; no 500, no error logged. */
async function keyMismatch(kind: Kind, makeStorage: (key: string) => SessionStorage): Promise<void> {
  const pythonKey = generateKey()
  const python = await startPython(kind, pythonKey)
  let rc: RoutechainServer | undefined
  try {
    rc = await startRoutechain(makeStorage(generateKey()))
    const routechain = rc

    // Python's cookie → routechain: fresh session, and the cookie it cannot read is cleared
    {
      const jar = new Jar()
      ok(await call(jar, python.url, setPath(ALICE)), 'Python /set', python, routechain)
      assert.type(jar.get(COOKIE), 'string')
      const got = await call(jar, routechain.url, '/get')
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
      ok(await call(jar, routechain.url, setPath(ALICE)), 'routechain /set', python, routechain)
      assert.type(jar.get(COOKIE), 'string')
      const got = await call(jar, python.url, '/get')
      ok(got, 'Python /get', python, routechain)
      assert.equal(got.body.data, {})
      assert.is(got.body.new, true)
      // logged before Python answered, but the pipe may deliver it after the HTTP response: wait a little
      assert.ok(await logged(python, /Cannot decrypt cookie value/), `Python logged no decrypt failure; stderr:\n${python.stderr()}`)
      // and a change made there replaces the unreadable cookie with one routechain cannot read either
      ok(await call(jar, python.url, '/set?key=user&value=bob'), 'Python /set', python, routechain)
      const mine = await call(jar, routechain.url, '/get')
      ok(mine, 'routechain /get', python, routechain)
      assert.equal(mine.body.data, {})
      assert.is(mine.body.new, true)
    }
    noErrors(routechain)
  } finally {
    await rc?.close()
    await python.stop()
  }
}

const encrypted = (key: string): SessionStorage => new EncryptedCookieStorage(key)
const naclStorage = (key: string): SessionStorage => new NaClCookieStorage(key)

interop('EncryptedCookieStorage: Python and routechain read and change each other’s sessions', async () => {
  if (!havePython()) return
  await sharesSessions('encrypted', encrypted, (raw) => {
    // a Fernet token; Python quotes it when it ends in '=' (not a legal unquoted cookie character for it)
    assert.match(raw, /^"?gAAAAA[A-Za-z0-9_-]+={0,2}"?$/)
  })
})

interop('EncryptedCookieStorage: with different keys each side sees a fresh session, no 500', async () => {
  if (!havePython()) return
  await keyMismatch('encrypted', encrypted)
})

interop('EncryptedCookieStorage: NaN and -Infinity written by Python survive a rewrite by routechain', async () => {
  if (!havePython()) return
  const key = generateKey()
  const python = await startPython('encrypted', key)
  let rc: RoutechainServer | undefined
  try {
    rc = await startRoutechain(encrypted(key))
    const jar = new Jar()
    ok(await call(jar, python.url, '/set?key=x&json=NaN'), 'Python /set x', python, rc)
    ok(await call(jar, python.url, '/set?key=y&json=-Infinity'), 'Python /set y', python, rc)
    const changed = await call(jar, rc.url, '/set?key=z&value=1')
    ok(changed, 'routechain /set z', python, rc)
    assert.is(changed.body.new, false, 'the session Python wrote loaded in routechain')
    const back = await call(jar, python.url, '/get')
    ok(back, 'Python /get', python, rc)
    assert.match(back.raw, /"x": NaN/)
    assert.match(back.raw, /"y": -Infinity/)
    assert.match(back.raw, /"z": "1"/)
    noErrors(rc)
  } finally {
    await rc?.close()
    await python.stop()
  }
})

interop('NaClCookieStorage: Python and routechain read and change each other’s sessions', async () => {
  if (!havePython()) return
  await sharesSessions('nacl', naclStorage, (raw) => {
    // standard base64 of nonce ‖ box; Python quotes it when it holds '/' or '=' (the usual case)
    assert.match(raw, /^"?[A-Za-z0-9+/]+={0,2}"?$/)
  })
})

interop('NaClCookieStorage: with different keys each side sees a fresh session, no 500', async () => {
  if (!havePython()) return
  await keyMismatch('nacl', naclStorage)
})

interop('SimpleCookieStorage: Python and routechain read and change each other’s sessions', async () => {
  if (!havePython()) return
  await sharesSessions('simple', () => new SimpleCookieStorage(), (raw) => {
    // JSON in a Python-quoted cookie: \" for quotes, \054 for commas, \073 for ';', \\ for backslashes
    assert.ok(raw.startsWith('"{') && raw.endsWith('}"'), `not a quoted JSON cookie: ${raw}`)
    assert.match(raw, /\\054/)
    assert.match(raw, /\\073/)
    assert.not.match(raw, /[,;]/)
  })
})

interop('SimpleCookieStorage: Python’s "{}" cookie for an emptied session loads as a fresh one in routechain', async () => {
  if (!havePython()) return
  const python = await startPython('simple', generateKey())
  let rc: RoutechainServer | undefined
  try {
    rc = await startRoutechain(new SimpleCookieStorage())
    const jar = new Jar()
    ok(await call(jar, python.url, setPath(ALICE)), 'Python /set', python, rc)
    ok(await call(jar, python.url, '/invalidate'), 'Python /invalidate', python, rc)
    // aiohttp_session's SimpleCookieStorage writes json.dumps({}) for an empty session instead of deleting
    assert.is(jar.get(COOKIE), '"{}"')
    const got = await call(jar, rc.url, '/get')
    ok(got, 'routechain /get', python, rc)
    assert.equal(got.body.data, {})
    assert.is(got.body.new, true)
    noErrors(rc)
  } finally {
    await rc?.close()
    await python.stop()
  }
})

interop.run()
