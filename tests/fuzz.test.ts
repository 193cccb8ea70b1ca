// The fuzzer of issue #6 (bench/fuzz): its judge and generator on their own, then a short bounded run through
// the same runner as `npm run fuzz`, which must find no crash, no unexpected 5xx and no tampered cookie accepted.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { MEANT_HEADER, SESSION_COOKIE, SESSION_HEADER } from '../bench/fuzz/app.js'
import { carriesGenuineToken, cookieHeadersIn, tamperToken } from '../bench/fuzz/cookie.js'
import { generateRequest, type FuzzRequest } from '../bench/fuzz/generate.js'
import { hashSeed, Prng } from '../bench/fuzz/prng.js'
import type { Outcome } from '../bench/fuzz/raw-client.js'
import { formatReport } from '../bench/fuzz/report.js'
import { runFuzz } from '../bench/fuzz/runner.js'
import { parseArgs } from '../bench/fuzz/run.js'
import { Tally } from '../bench/fuzz/tally.js'

// a token shaped like the target's (Fernet: 0x80, timestamp, IV, one block, HMAC), with its padding
const GENUINE = Buffer.concat([Buffer.from([0x80]), Buffer.alloc(8, 1), Buffer.alloc(16, 2), Buffer.alloc(16, 3), Buffer.alloc(32, 4)])
  .toString('base64').replace(/\+/g, '-').replace(/\//g, '_')

function request(cookie: string, index = 0): FuzzRequest {
  const bytes = Buffer.from(`GET /session/check HTTP/1.1\r\nHost: x\r\nCookie: ${cookie}\r\n\r\n`, 'latin1')
  return { index, category: 'session', label: 'test', bytes, framed: true, head: false, halfClose: false, splits: [] }
}

function answer(status: number, headers: Record<string, string>): Outcome {
  return { kind: 'response', response: { status, headers, body: Buffer.alloc(0) }, truncated: false }
}

const judge = suite('fuzz: judging answers')

judge('a genuine token counts however it is written; any other value does not', () => {
  const genuine = (header: string): boolean => carriesGenuineToken(cookieHeadersIn(request(header).bytes), SESSION_COOKIE, [GENUINE])
  assert.ok(genuine(`${SESSION_COOKIE}=${GENUINE}`))
  assert.ok(genuine(`a=1; ${SESSION_COOKIE}="${GENUINE}"`), 'quoted')
  assert.ok(genuine(`${SESSION_COOKIE}=${GENUINE.replace(/=+$/, '')}`), 'unpadded')
  const other = GENUINE[10] === 'A' ? 'B' : 'A'
  assert.not.ok(genuine(`${SESSION_COOKIE}=${GENUINE.slice(0, 10)}${other}${GENUINE.slice(11)}`), 'one character changed')
  assert.not.ok(genuine(`other=${GENUINE}`), 'under another name')
  assert.not.ok(genuine(`${SESSION_COOKIE}=`), 'empty')
})

judge('tampering changes the bytes a token decodes to, or the token is left for the judge to call genuine', () => {
  const rng = new Prng(7)
  let changed = 0
  for (let i = 0; i < 500; i++) {
    const { value } = tamperToken(rng, GENUINE, [GENUINE])
    if (!carriesGenuineToken([`${SESSION_COOKIE}=${value}`], SESSION_COOKIE, [GENUINE])) changed++
  }
  assert.ok(changed > 450, `only ${changed} of 500 tampered tokens decode to other bytes`)
})

judge('a session loaded without a genuine token is a tampered cookie accepted; a 500 needs the meant header', () => {
  const tally = new Tally([GENUINE])
  tally.record(request(`${SESSION_COOKIE}=${GENUINE}`, 1), answer(200, { [SESSION_HEADER]: 'loaded' }), false)
  tally.record(request(`${SESSION_COOKIE}=AAAA${GENUINE.slice(4)}`, 2), answer(200, { [SESSION_HEADER]: 'fresh' }), false)
  tally.record(request(`${SESSION_COOKIE}=AAAA${GENUINE.slice(4)}`, 3), answer(200, { [SESSION_HEADER]: 'loaded' }), false)
  tally.record(request('a=1', 4), answer(500, { [MEANT_HEADER]: '1' }), false)
  tally.record(request('a=1', 5), answer(500, {}), false)
  tally.record(request('a=1', 6), { kind: 'timeout', started: false }, false)
  assert.equal(tally.session, { genuineLoaded: 1, genuineFresh: 0, tamperedRefused: 1, tamperedAccepted: 1 })
  assert.equal([tally.meant5xx, tally.unexpected5xx, tally.hangs], [1, 1, 1])
  assert.equal(tally.findings.tamperedAccepted.map((f) => f.index), [3])
  assert.equal(tally.findings.unexpected5xx.map((f) => f.index), [5])
  assert.is(Buffer.from(tally.findings.unexpected5xx[0]?.base64 ?? '', 'base64').toString('latin1'), request('a=1').bytes.toString('latin1'))
})

judge.run()

const generator = suite('fuzz: generator and command line')

generator('request #i depends only on the seed and i', () => {
  const context = { seed: hashSeed('replay'), tokens: [GENUINE] }
  for (const index of [0, 1, 17, 999]) {
    assert.ok(generateRequest(context, index).bytes.equals(generateRequest(context, index).bytes), `request #${index}`)
  }
  const other = { ...context, seed: hashSeed('other') }
  const differ = [0, 1, 2, 3, 4, 5].filter((i) => !generateRequest(context, i).bytes.equals(generateRequest(other, i).bytes)).length
  assert.ok(differ >= 5, 'another seed gives other requests')
})

generator('every category comes up', () => {
  const context = { seed: hashSeed('categories'), tokens: [GENUINE] }
  const seen = new Set(Array.from({ length: 400 }, (_, i) => generateRequest(context, i).category))
  assert.equal([...seen].sort(), ['body', 'bytes', 'cookies', 'headers', 'line', 'session', 'valid'])
})

generator('reads --seconds, --seed, --requests and --write, and refuses anything else', () => {
  assert.equal(parseArgs([]), { seconds: 10, seed: undefined, maxRequests: undefined, write: false })
  assert.equal(parseArgs(['--seconds', '2.5', '--seed=abc', '--requests', '100', '--write']), { seconds: 2.5, seed: 'abc', maxRequests: 100, write: true })
  assert.throws(() => parseArgs(['--seconds', '0']), /--seconds takes a number above 0/)
  assert.throws(() => parseArgs(['--sconds', '3']), /unknown argument/)
  assert.throws(() => parseArgs(['--seed']), /--seed takes a value/)
})

generator.run()

const run = suite('fuzz: a short run against the target process')

run('3 s or 3000 requests: no crash, no unexpected 5xx, no tampered cookie accepted', async () => {
  // a fixed seed: the same requests every time (only the session key and tokens differ from run to run)
  const report = await runFuzz({ seconds: 3, maxRequests: 3000, seed: 'uvu' })
  const details = `\n${formatReport(report)}`
  assert.is(report.crashes, 0, `crashes${details}`)
  assert.is(report.unexpected5xx, 0, `unexpected 5xx${details}`)
  assert.is(report.session.tamperedAccepted, 0, `tampered cookies accepted${details}`)
  assert.is(report.hangs, 0, `hangs${details}`)
  assert.ok(report.server.answersAfterRun, `the target still answers${details}`)
  assert.ok(report.requests.sent >= 300, `only ${report.requests.sent} requests sent${details}`)
  const byClass = (klass: number): number => Object.entries(report.byStatus)
    .filter(([status]) => Math.floor(Number(status) / 100) === klass).reduce((sum, [, n]) => sum + n, 0)
  assert.ok(byClass(2) > 0 && byClass(4) > 0, `needs some 2xx and some 4xx${details}`)
  assert.ok(report.meant5xx > 0, `the deliberate 500s were not seen, so 5xx were not judged${details}`)
  // the tamper check proves something only if genuine tokens do load and tampered ones were tried
  assert.ok(report.session.genuineLoaded > 0 && report.session.tamperedRefused > 0, `session probes${details}`)
  assert.ok(report.ok, report.failures.join('; ') + details)
})

run.run()
