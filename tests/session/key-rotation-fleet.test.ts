// Key rotation for the cookie storages across a fleet, the way an operator does it: two app processes behind a
// balancer (tests/_helpers/cookie-worker.ts, each restarted with its new key list, one at a time), one cookie jar
// playing the browser for both, real HTTP.
//   step 0  both hold [A]; the user logs in.
//   step 1  B is added second, [A, B], one process at a time: everything works, cookies are still sealed with A.
//   step 2  B is moved first, [B, A], one process at a time: while the orders differ, each process reads what the
//           other sealed, and the session keeps its data through alternating requests.
//   step 3  A is removed, [B]: a session last sealed with B loads; a cookie sealed only with A gets a fresh
//           empty session (and is cleared), not an error.
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { EncryptedCookieStorage, generateKey, NaClCookieStorage, type SessionStorage } from '../../src/index.js'
import { Jar, type Answer, type SessionView } from '../_helpers/cookie-jar.js'
import { startServerProcess, type ServerProcess } from '../../bench/server-process.js'

const COOKIE = 'session' // the worker's cookie name: the default
// compiled next to this file's compiled copy: <outDir>/tests/_helpers/cookie-worker.js
const WORKER = fileURLToPath(new URL('../_helpers/cookie-worker.js', import.meta.url))

type Kind = 'encrypted' | 'nacl'
type KeyName = 'A' | 'B'
type Slot = 1 | 2

/** The worker's answer: the session view, plus the fingerprints of the keys the process holds, in order. */
interface WorkerView extends SessionView {
  keys: string[]
}

/** The fingerprint the worker reports for a key (cookie-worker.ts's keyFingerprint). */
function fingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12)
}

/** Whether a process with this PID still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The fleet: two slots behind the balancer, each restarted with a key list; every process started is kept, to
// be stopped by its PID at the end whatever happened

class Fleet {
  readonly #kind: Kind
  readonly #keys: Record<KeyName, string>
  readonly #slots = new Map<Slot, ServerProcess>()
  readonly #started: ServerProcess[] = []

  constructor(kind: Kind, keys: Record<KeyName, string>) {
    this.#kind = kind
    this.#keys = keys
  }

  /** Stops the process in `slot` (if any) by its PID, then starts one there holding `holds`, and checks it does. */
  async restart(slot: Slot, holds: readonly KeyName[]): Promise<ServerProcess> {
    const previous = this.#slots.get(slot)
    if (previous !== undefined) {
      await previous.stop()
      assert.not.ok(alive(previous.pid), `${previous.name} (pid ${previous.pid}) is still running after stop()`)
    }
    const next = await startServerProcess(`process ${slot} [${holds.join(', ')}]`, process.execPath, ['--enable-source-maps', WORKER], {
      ...process.env,
      COOKIE_STORAGE: this.#kind,
      SESSION_KEYS: holds.map((name) => this.#keys[name]).join(','),
    })
    this.#started.push(next)
    this.#slots.set(slot, next)
    const hello = await new Jar().call(`${next.url}/get`)
    const view = hello.body as WorkerView
    assert.is(view.pid, next.pid, `${next.name} answered from pid ${String(view.pid)}, not its own ${next.pid}`)
    assert.equal(view.keys, holds.map((name) => fingerprint(this.#keys[name])), `${next.name} does not hold the keys it was given`)
    return next
  }

  at(slot: Slot): ServerProcess {
    const running = this.#slots.get(slot)
    if (running === undefined) throw new Error(`no process in slot ${slot}`)
    return running
  }

  /** Every process started logged no error line (a cookie that does not load is a debug line, not an error). */
  noErrors(): void {
    for (const started of this.#started) {
      const errors = started.stderr().split('\n').filter((line) => line.startsWith('error'))
      assert.equal(errors, [], `${started.name} (pid ${started.pid}) logged errors:\n${started.stderr()}`)
    }
  }

  /** Stops every process started, newest first, each by its PID; safe for ones already stopped. */
  async stopAll(): Promise<void> {
    for (const started of [...this.#started].reverse()) await started.stop()
  }

  /** After stopAll(): not one of the processes is left running. */
  allGone(): void {
    const left = this.#started.filter((started) => alive(started.pid)).map((started) => `${started.name} (pid ${started.pid})`)
    assert.equal(left, [], 'processes left running')
  }
}

async function withFleet(kind: Kind, keys: Record<KeyName, string>, body: (fleet: Fleet) => Promise<void>): Promise<void> {
  assert.ok(existsSync(WORKER), `the compiled worker is missing at ${WORKER}`)
  const fleet = new Fleet(kind, keys)
  try {
    await body(fleet)
    fleet.noErrors()
  } finally {
    await fleet.stopAll()
  }
  fleet.allGone()
}

// ---------------------------------------------------------------------------------------------------------------
// Requests and what to expect of them

/** Calls a process with the jar's cookies (or exactly `cookie`, to replay an old one); asserts a 200. */
async function call(jar: Jar, to: ServerProcess, path: string, cookie = jar.header()): Promise<Answer> {
  const answer = await jar.call(to.url + path, cookie)
  assert.is(answer.status, 200, `${to.name} ${path} answered ${answer.status}: ${answer.raw}\n${to.name}'s log:\n${to.stderr()}`)
  assert.is(answer.body.pid, to.pid, `${path} was answered by pid ${String(answer.body.pid)}, not ${to.name} (pid ${to.pid})`)
  return answer
}

/** The keys (of A and B) that open a cookie value, each tried alone in a storage of this kind. */
function sealedWith(make: (keys: string[]) => SessionStorage, keys: Record<KeyName, string>, value: string | undefined): KeyName[] {
  if (value === undefined) return []
  return (['A', 'B'] as const).filter((name) => make([keys[name]]).load(value) !== undefined)
}

/** The answer shows the user's session, not a new one, with exactly `data`. */
function sameSession(answer: Answer, created: number, data: Record<string, unknown>, what: string): void {
  assert.is(answer.body.new, false, `${what}: the session is new (the cookie did not load): ${answer.raw}`)
  assert.equal(answer.body.data, data, `${what}: the session's data`)
  assert.is(answer.body.created, created, `${what}: the session's created time`)
}

/** The response set the session cookie to a value (it did not clear it), once. */
function setsCookie(answer: Answer, what: string): void {
  const ours = answer.setCookie.filter((line) => line.startsWith(`${COOKIE}=`))
  assert.is(ours.length, 1, `${what}: one Set-Cookie for ${COOKIE}, got ${JSON.stringify(answer.setCookie)}`)
  assert.not.match(ours[0] as string, new RegExp(`^${COOKIE}=;|Max-Age=0`), `${what}: the cookie was cleared, not set: ${ours[0]}`)
}

// ---------------------------------------------------------------------------------------------------------------

const rotation = suite('EncryptedCookieStorage and NaClCookieStorage: key rotation across two processes')

const storages: readonly (readonly [Kind, string, (keys: string[]) => SessionStorage])[] = [
  ['encrypted', 'EncryptedCookieStorage', (keys) => new EncryptedCookieStorage(keys)],
  ['nacl', 'NaClCookieStorage', (keys) => new NaClCookieStorage(keys)],
]

for (const [kind, name, make] of storages) {
  rotation(`${name}: [A] → [A, B] → [B, A] → [B], one process at a time, keeps the user's session; A's own cookies then stop loading`, async () => {
    const keys: Record<KeyName, string> = { A: generateKey(), B: generateKey() }
    const sealed = (value: string | undefined): KeyName[] => sealedWith(make, keys, value)
    await withFleet(kind, keys, async (fleet) => {
      const jar = new Jar()
      const expected: Record<string, unknown> = { user: 'alice' }
      // messages name the processes by what they were started with: "process 2 [A, B]"
      const p = (slot: Slot): string => fleet.at(slot).name

      // step 0: both hold [A]; the user logs in through process 1
      await fleet.restart(1, ['A'])
      await fleet.restart(2, ['A'])
      const login = await call(jar, fleet.at(1), '/set?key=user&value=alice')
      assert.is(login.body.new, true, 'the login starts a new session')
      assert.equal(login.body.data, expected)
      setsCookie(login, 'step 0, login')
      const created = login.body.created
      const loginCookie = jar.get(COOKIE) as string
      assert.equal(sealed(loginCookie), ['A'], 'step 0: the login cookie is sealed with A')
      const read0 = await call(jar, fleet.at(2), '/get')
      sameSession(read0, created, expected, `step 0, ${p(2)} reads the login`)
      assert.equal(read0.setCookie, [], 'step 0: a read under the current key rewrites nothing')

      // step 1: B added second; process 1 restarts first, so for a while it holds [A, B] and process 2 [A]
      await fleet.restart(1, ['A', 'B'])
      const read1 = await call(jar, fleet.at(1), '/get')
      sameSession(read1, created, expected, `step 1, ${p(1)} reads the login after its restart`)
      assert.equal(read1.setCookie, [], `step 1: ${p(1)} has nothing to reseal in a cookie sealed with A`)
      expected.cart = 1
      setsCookie(await call(jar, fleet.at(1), '/set?key=cart&json=1'), `step 1, ${p(1)} writes`)
      assert.equal(sealed(jar.get(COOKIE)), ['A'], `step 1: ${p(1)} still seals with A`)
      sameSession(await call(jar, fleet.at(2), '/get'), created, expected, `step 1, ${p(2)} reads what ${p(1)} wrote`)
      await fleet.restart(2, ['A', 'B'])
      expected.step = 1
      setsCookie(await call(jar, fleet.at(2), '/set?key=step&json=1'), `step 1, ${p(2)} writes`)
      assert.equal(sealed(jar.get(COOKIE)), ['A'], `step 1: ${p(2)} still seals with A`)
      const read1b = await call(jar, fleet.at(1), '/get')
      sameSession(read1b, created, expected, `step 1, ${p(1)} reads what ${p(2)} wrote`)
      assert.equal(read1b.setCookie, [], 'step 1: nothing to reseal while A is first everywhere')

      // step 2: B moved first; process 1 restarts with [B, A] while process 2 still holds [A, B]
      await fleet.restart(1, ['B', 'A'])
      const read2 = await call(jar, fleet.at(1), '/get')
      sameSession(read2, created, expected, `step 2, ${p(1)} reads a cookie sealed with A`)
      setsCookie(read2, `step 2, ${p(1)} reseals an A cookie on a read`)
      assert.equal(sealed(jar.get(COOKIE)), ['B'], `step 2: ${p(1)} reseals with B`)
      const cross2 = await call(jar, fleet.at(2), '/get')
      sameSession(cross2, created, expected, `step 2, ${p(2)} reads the cookie ${p(1)} sealed with B`)
      setsCookie(cross2, `step 2, ${p(2)} reseals a B cookie on a read`)
      assert.equal(sealed(jar.get(COOKIE)), ['A'], `step 2: ${p(2)} reseals with A, its first key`)
      // alternating requests that change the session: each process reads what the other sealed, nothing is lost
      for (let round = 0; round < 4; round++) {
        const slot: Slot = round % 2 === 0 ? 1 : 2
        const before = sealed(jar.get(COOKIE))
        expected[`r${round}`] = round
        const changed = await call(jar, fleet.at(slot), `/set?key=r${round}&json=${round}`)
        const what = `step 2, round ${round}: ${p(slot)} changes a cookie sealed with ${before.join('')}`
        sameSession(changed, created, expected, what)
        setsCookie(changed, what)
        assert.equal(sealed(jar.get(COOKIE)), [slot === 1 ? 'B' : 'A'], `${what}: it seals with its first key`)
      }
      // the user who has been idle since step 0 still gets in while A is held anywhere
      const idle = new Jar()
      const idle2 = await call(idle, fleet.at(1), '/get', `${COOKIE}=${loginCookie}`)
      sameSession(idle2, created, { user: 'alice' }, `step 2, ${p(1)} reads the step-0 login cookie`)
      assert.equal(sealed(idle.get(COOKIE)), ['B'], 'step 2: the idle login cookie is resealed with B')
      // process 2 follows: both hold [B, A]
      await fleet.restart(2, ['B', 'A'])
      expected.step = 2
      setsCookie(await call(jar, fleet.at(2), '/set?key=step&json=2'), `step 2, ${p(2)} writes`)
      assert.equal(sealed(jar.get(COOKIE)), ['B'], `step 2: ${p(2)} seals with B`)
      const read2b = await call(jar, fleet.at(1), '/get')
      sameSession(read2b, created, expected, `step 2, ${p(1)} reads what ${p(2)} wrote`)
      assert.equal(read2b.setCookie, [], 'step 2: nothing to reseal once B is first everywhere')

      // step 3: A removed; process 1 restarts with [B] while process 2 still holds [B, A], then process 2 with [B]
      await fleet.restart(1, ['B'])
      sameSession(await call(jar, fleet.at(1), '/get'), created, expected, `step 3, ${p(1)} reads a session last sealed with B`)
      await fleet.restart(2, ['B'])
      expected.step = 3
      setsCookie(await call(jar, fleet.at(2), '/set?key=step&json=3'), `step 3, ${p(2)} writes`)
      assert.equal(sealed(jar.get(COOKIE)), ['B'], `step 3: ${p(2)} seals with B`)
      for (const slot of [1, 2] as const) {
        const read3 = await call(jar, fleet.at(slot), '/get')
        sameSession(read3, created, expected, `step 3, ${p(slot)} reads the session`)
        assert.equal(read3.setCookie, [], `step 3, ${p(slot)}: nothing to rewrite`)
      }
      // the step-0 cookie, sealed only with A, no longer loads anywhere: a fresh empty session, its cookie cleared
      for (const slot of [1, 2] as const) {
        const stale = new Jar()
        const old = await call(stale, fleet.at(slot), '/get', `${COOKIE}=${loginCookie}`)
        assert.is(old.body.new, true, `step 3, ${p(slot)}: a cookie sealed only with A loads as a new session: ${old.raw}`)
        assert.equal(old.body.data, {}, `step 3, ${p(slot)}: the new session is empty`)
        assert.is(old.setCookie.length, 1, `step 3, ${p(slot)}: one Set-Cookie, got ${JSON.stringify(old.setCookie)}`)
        assert.match(old.setCookie[0] as string, new RegExp(`^${COOKIE}=;.*Max-Age=0`), `step 3, ${p(slot)}: the stale cookie is cleared`)
        assert.match(fleet.at(slot).stderr(), /^debug session cookie did not load/m, `step 3, ${p(slot)}: the refusal is logged at debug level`)
      }
    })
  })
}

rotation.run()
