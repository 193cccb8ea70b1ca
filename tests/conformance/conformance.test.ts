// One case table (tests/conformance/cases*.ts) run against every entry point of an app: node:http over a real
// socket, app.request() and app.fetch() in-process. Each entry point is its own suite; a further suite checks
// that the three give identical answers (and log the same lines) for every case. Then the in-process entry
// points on their own: the inputs they take, and bad input, which must come back as an answer, never a throw.
import { Readable } from 'node:stream'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, type App } from '../../src/index.js'
import { ANSWER_TIMEOUT_MS, ENTRY_POINTS, exchange, fromWebResponse, type Answer } from '../_helpers/entry-points.js'
import { recordingLogger } from '../_helpers/http.js'
import { within } from '../_helpers/async.js'
import { CASES, SESSION_COOKIE, type Case } from './cases.js'
import { comparable, expectAnswer } from './check.js'
import { noStack } from './case.js'

/** Runs a case through one entry point: its answers, and what the app logged. */
async function run(entry: (typeof ENTRY_POINTS)[number], c: Case): Promise<{ answers: Answer[]; lines: string[] }> {
  const { lines, logger } = recordingLogger()
  const answers = await exchange(entry, c.app(logger), c.exchanges.map((e) => e.request))
  return { answers, lines }
}

for (const entry of ENTRY_POINTS) {
  const test = suite(entry.name)
  for (const c of CASES) {
    test(c.name, async () => {
      const { answers } = await run(entry, c)
      c.exchanges.forEach((e, i) => {
        expectAnswer(answers[i], e.expect, `${entry.name}, "${c.name}", request ${i + 1} (${e.request.method} ${e.request.path})`)
      })
    })
  }
  test.run()
}

const agree = suite('entry points agree')

agree('the case table has cases, each with a name of its own', () => {
  assert.ok(CASES.length >= 40, `only ${CASES.length} cases`)
  const names = CASES.map((c) => c.name)
  assert.equal([...new Set(names)], names, 'two cases share a name')
})

for (const c of CASES) {
  agree(c.name, async () => {
    const [reference, ...others] = await Promise.all(ENTRY_POINTS.map(async (entry) => ({ entry: entry.name, ...await run(entry, c) })))
    const ref = reference as NonNullable<typeof reference>
    for (const other of others) {
      other.answers.forEach((answer, i) => {
        const request = c.exchanges[i]?.request
        assert.equal(comparable(answer, SESSION_COOKIE), comparable(ref.answers[i] as Answer, SESSION_COOKIE),
          `request ${i + 1} (${request?.method} ${request?.path}): ${other.entry} answers differently from ${ref.entry}`)
      })
      assert.equal(other.lines, ref.lines, `${other.entry} logs differently from ${ref.entry}`)
    }
  })
}

agree.run()

// ---------------------------------------------------------------------------------------------------------------
// app.request() and app.fetch() on their own

/** An app that shows what a step sees of the request. */
function echoApp(): App {
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/who', (req) => ({ ip: req.ip, url: req.url, path: req.path, query: req.query }))
  return app
}

const answerOf = (response: Promise<Response>, what: string): Promise<Answer> =>
  within(response, ANSWER_TIMEOUT_MS, what).then((r) => within(fromWebResponse(r), ANSWER_TIMEOUT_MS, `${what}: the body`))

const inputs = suite('app.request and app.fetch inputs')

inputs('a path, an absolute URL string, a URL and a Request give the same request', async () => {
  const app = echoApp()
  const want = JSON.stringify({ ip: '127.0.0.1', url: '/who?x=a%20b', path: '/who', query: { x: 'a b' } })
  for (const input of ['/who?x=a%20b', 'http://localhost/who?x=a%20b', new URL('http://localhost/who?x=a%20b'), new Request('http://localhost/who?x=a%20b')]) {
    const answer = await answerOf(app.request(input), `app.request(${String(input instanceof Request ? 'Request' : input)})`)
    assert.is(answer.status, 200)
    assert.is(answer.body, want, `app.request(${input instanceof Request ? 'a Request' : String(input)})`)
  }
})

inputs('init.ip sets req.ip', async () => {
  const answer = await answerOf(echoApp().request('/who', { ip: '203.0.113.9' }), 'app.request with ip')
  assert.is((JSON.parse(answer.body) as { ip: string }).ip, '203.0.113.9')
})

inputs("app.fetch's info.ip sets req.ip; app.fetch works detached from the app", async () => {
  const { fetch } = echoApp()
  const answer = await answerOf(fetch(new Request('http://localhost/who'), { ip: '2001:db8::1' }), 'app.fetch with ip')
  assert.is((JSON.parse(answer.body) as { ip: string }).ip, '2001:db8::1')
})

inputs("app.fetch with no info: req.ip is '' (a Request has no socket to take it from)", async () => {
  const answer = await answerOf(echoApp().fetch(new Request('http://localhost/who')), 'app.fetch without info')
  assert.is((JSON.parse(answer.body) as { ip: string }).ip, '')
})

inputs.run()

const bad = suite('app.request and app.fetch: bad input')

/** A request body stream that sends `first`, then fails, as a client that went away mid-upload. */
function failingBody(first: string): ReadableStream<Uint8Array> {
  let sent = false
  return new ReadableStream({
    pull(controller) {
      if (sent) {
        controller.error(new Error('the client went away'))
        return
      }
      sent = true
      controller.enqueue(new TextEncoder().encode(first))
    },
  })
}

/** An endless request body stream of 1 KiB chunks; `pulled()` says how many were read. */
function endlessBody(): { stream: ReadableStream<Uint8Array>; pulled(): number } {
  let count = 0
  const chunk = new Uint8Array(1024).fill(0x61)
  const stream = new ReadableStream<Uint8Array>({ pull(controller) { count++; controller.enqueue(chunk) } })
  return { stream, pulled: () => count }
}

function bodyApp(bodyLimit?: number): App {
  const app = createApp({ logger: recordingLogger().logger, ...(bodyLimit === undefined ? {} : { bodyLimit }) })
  app.post('/json', async (req) => ({ got: await req.json() }))
  app.post('/text', async (req) => ({ length: (await req.text()).length }))
  return app
}

function expect4xx(answer: Answer, what: string): void {
  assert.ok(answer.status >= 400 && answer.status < 500, `${what}: a 4xx expected, got ${answer.status} ${JSON.stringify(answer.body)}`)
  assert.ok(noStack.test(answer.body), `${what}: the body gives the server away: ${JSON.stringify(answer.body)}`)
}

bad('app.fetch: a POST body stream that errors midway is a 4xx answer, not a rejection', async () => {
  const request = new Request('http://localhost/json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: failingBody('{"a":'), duplex: 'half' })
  const { fetch } = bodyApp()
  expect4xx(await answerOf(fetch(request), 'app.fetch with a failing body'), 'app.fetch with a failing body')
})

bad('app.request: a POST body stream that errors midway is a 4xx answer, not a rejection', async () => {
  const init = { method: 'POST', headers: { 'content-type': 'text/plain' }, body: failingBody('some text'), duplex: 'half' } as const
  expect4xx(await answerOf(bodyApp().request('/text', init), 'app.request with a failing body'), 'app.request with a failing body')
})

bad('an endless body stream is cut at the limit: 413, and reading stops', async () => {
  const body = endlessBody()
  const request = new Request('http://localhost/text', { method: 'POST', body: body.stream, duplex: 'half' })
  const answer = await answerOf(bodyApp(10_240).fetch(request), 'app.fetch with an endless body')
  assert.is(answer.status, 413, `got ${answer.status} ${answer.body}`)
  const pulled = body.pulled()
  await new Promise((resolve) => setTimeout(resolve, 50))
  assert.ok(body.pulled() <= pulled + 1 && pulled < 64, `the body was still being read after the 413 (${pulled}, then ${body.pulled()} chunks)`)
})

bad('a Request whose body was already read is an error answer, not a rejection', async () => {
  const request = new Request('http://localhost/text', { method: 'POST', body: 'already read' })
  await request.text()
  const answer = await answerOf(bodyApp().fetch(request), 'app.fetch with a used body')
  assert.ok(answer.status >= 400, `an error answer expected, got ${answer.status} ${JSON.stringify(answer.body)}`)
  assert.ok(noStack.test(answer.body), `the body gives the server away: ${JSON.stringify(answer.body)}`)
})

bad('a method no route knows is an answer, not a crash', async () => {
  const answer = await answerOf(bodyApp().request('/json', { method: 'BREW' }), 'app.request BREW')
  assert.ok(answer.status >= 400 && answer.status !== 500, `got ${answer.status} ${JSON.stringify(answer.body)}`)
})

bad('neither throws synchronously: a malformed URL and a throwing step both give a promise of an answer', async () => {
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/a/:x', () => { throw new Error('sync throw') })
  const { fetch } = app
  for (const [path, status] of [['/a/%E0%A4%A', 400], ['/a/1', 500]] as const) {
    let fromFetch: Promise<Response> | undefined
    let fromRequest: Promise<Response> | undefined
    try {
      fromFetch = fetch(new Request(`http://localhost${path}`))
      fromRequest = app.request(path)
    } catch (error) {
      assert.unreachable(`${path}: threw synchronously: ${String(error)}`)
    }
    assert.is((await answerOf(fromFetch as Promise<Response>, `app.fetch ${path}`)).status, status, `app.fetch ${path}`)
    assert.is((await answerOf(fromRequest as Promise<Response>, `app.request ${path}`)).status, status, `app.request ${path}`)
  }
})

bad('a response stream that fails midway: the answer comes, its body then fails instead of looking complete', async () => {
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/broken', () => new Readable({
    read() {
      this.push('first chunk ')
      this.destroy(new Error('stream failed midway'))
    },
  }))
  const response = await within(app.fetch(new Request('http://localhost/broken')), ANSWER_TIMEOUT_MS, 'app.fetch /broken')
  if (response.status === 200) {
    const read = await within(response.text().then((text) => ({ text }), (error: unknown) => ({ error })), ANSWER_TIMEOUT_MS, 'reading /broken')
    assert.ok('error' in read, `the body read as if complete: ${JSON.stringify(read)}`)
  } else {
    assert.is(response.status, 500, `a 200 whose body fails, or a 500, expected; got ${response.status}`)
  }
})

bad.run()
