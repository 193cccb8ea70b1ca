// req.multipart() beyond the conformance table (#16): temporary files exist while the step runs and are gone
// once the response is sent, on success, on a failed upload and when the client leaves mid-upload; a file
// moved away is kept; a reader may skip a file; the body is read once; bad limits are refused.
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, type App, type SavedFile } from '../../src/index.js'
import { multipart } from '../conformance/cases-multipart.js'
import { recordingLogger, withServer } from '../_helpers/http.js'

const test = suite('req.multipart(): temporary files and reading')
const BOUNDARY = '----routechain-7MA4YWxk'
const TYPE = `multipart/form-data; boundary=${BOUNDARY}`

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  assert.unreachable(`waited 2 s for ${what}`)
}

async function withTmpDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'routechain-multipart-test-'))
  try {
    await run(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

const isEmpty = (dir: string) => async () => (await readdir(dir)).length === 0

/** An app whose /upload collects into `dir` and reports each file's path and whether it existed in the step. */
function collectingApp(dir: string, seen: SavedFile[]): App {
  const app = createApp({ logger: recordingLogger().logger })
  app.post('/upload', async (req) => {
    const { files } = await req.multipart({ tmpDir: dir, limits: { fileSize: 1000 } }).collect()
    seen.push(...files)
    return files.map((f) => ({ path: f.path.startsWith(dir), there: existsSync(f.path) }))
  })
  app.get('/', () => 'still here')
  return app
}

const twoFiles = (secondSize: number) => multipart([
  { name: 'a', filename: 'a.txt', content: 'a'.repeat(500) },
  { name: 'b', filename: 'b.txt', content: 'b'.repeat(secondSize) },
])

test('collect(): files are in tmpDir while the step runs, and removed once the response is sent (node:http and app.request)', async () => {
  await withTmpDir(async (dir) => {
    const seen: SavedFile[] = []
    const app = collectingApp(dir, seen)
    await withServer(app, async (server) => {
      const res = await server.fetch('/upload', { method: 'POST', headers: { 'content-type': TYPE }, body: twoFiles(10) })
      assert.is(res.status, 200)
      assert.equal(JSON.parse(res.body), [{ path: true, there: true }, { path: true, there: true }])
    })
    await waitFor(isEmpty(dir), 'the temporary files to go (node:http)')
    const answer = await app.request('/upload', { method: 'POST', headers: { 'content-type': TYPE }, body: twoFiles(10) })
    assert.equal(await answer.json(), [{ path: true, there: true }, { path: true, there: true }])
    assert.ok(await isEmpty(dir)(), 'the temporary files go when app.request() hands the response over')
    assert.is(seen.length, 4)
  })
})

test('collect(): an upload that fails on its second file removes the first, and answers 413', async () => {
  await withTmpDir(async (dir) => {
    const app = collectingApp(dir, [])
    await withServer(app, async (server) => {
      const res = await server.fetch('/upload', { method: 'POST', headers: { 'content-type': TYPE }, body: twoFiles(5000) })
      assert.is(res.status, 413)
      assert.is(res.body, 'file "b.txt" is larger than 1000 bytes')
      await waitFor(isEmpty(dir), 'the first file to go')
      assert.is((await server.fetch('/')).body, 'still here')
    })
  })
})

test('collect(): a client that leaves mid-upload leaves no temporary file behind, and the server goes on', async () => {
  await withTmpDir(async (dir) => {
    const { lines, logger } = recordingLogger()
    const app = createApp({ logger })
    let started!: () => void
    const writing = new Promise<void>((resolve) => { started = resolve })
    app.post('/upload', async (req) => {
      const parts = req.multipart({ tmpDir: dir, limits: { total: 10_000_000 } })
      setTimeout(started, 50)
      return (await parts.collect()).files.length
    })
    app.get('/', () => 'still here')
    await withServer(app, async (server) => {
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1')
      const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="f"; filename="big.bin"\r\n\r\n`
      socket.write(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: ${TYPE}\r\nContent-Length: 5000000\r\n\r\n${head}`)
      socket.write(Buffer.alloc(200_000, 1))
      await writing
      await waitFor(async () => (await readdir(dir)).length === 1, 'the upload to reach its temporary file')
      socket.destroy()
      await waitFor(isEmpty(dir), 'the temporary file to go after the client left')
      assert.is((await server.fetch('/')).body, 'still here')
    })
    assert.equal(lines.filter((line) => line.startsWith('error') && !/client went away|499/.test(line)), [])
  })
})

test('collect(): a file moved away in the step is kept', async () => {
  await withTmpDir(async (dir) => {
    const keep = join(dir, 'kept.txt')
    const app = createApp({ logger: recordingLogger().logger }).post('/upload', async (req) => {
      const { files } = await req.multipart({ tmpDir: dir }).collect()
      await rename((files[0] as SavedFile).path, keep)
      return 'moved'
    })
    const answer = await app.request('/upload', { method: 'POST', headers: { 'content-type': TYPE }, body: twoFiles(3) })
    assert.is(await answer.text(), 'moved')
    assert.is((await readFile(keep)).toString(), 'a'.repeat(500))
    assert.equal(await readdir(dir), ['kept.txt'])
  })
})

test('iteration: a file the reader does not read is skipped and the next part still comes', async () => {
  const app = createApp({ logger: recordingLogger().logger }).post('/upload', async (req) => {
    const names: string[] = []
    for await (const part of req.multipart()) names.push(part.name)
    return names
  })
  const body = multipart([{ name: 'big', filename: 'big.bin', content: Buffer.alloc(300_000) }, { name: 'after', value: 'x' }])
  const answer = await app.request('/upload', { method: 'POST', headers: { 'content-type': TYPE }, body })
  assert.equal(await answer.json(), ['big', 'after'])
})

test('the body is read once: another reader after req.multipart() fails, and a multipart body cannot be iterated twice', async () => {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger })
  app.post('/then-text', async (req) => {
    await req.multipart().collect()
    return req.text()
  })
  app.post('/twice', async (req) => {
    await req.multipart().collect()
    return req.multipart().collect()
  })
  for (const path of ['/then-text', '/twice']) {
    const answer = await app.request(path, { method: 'POST', headers: { 'content-type': TYPE }, body: multipart([{ name: 'a', value: '1' }]) })
    assert.is(answer.status, 500, path)
  }
  assert.ok(lines.some((line) => line.includes('already read by req.multipart()')), lines.join('\n'))
  assert.ok(lines.some((line) => line.includes('a multipart body is read once')), lines.join('\n'))
})

test('limits that are not counts are refused with a message that names them', async () => {
  const { lines, logger } = recordingLogger()
  const app = createApp({ logger }).post('/', (req) => req.multipart({ limits: { files: 0 } }))
  assert.is((await app.request('/', { method: 'POST', headers: { 'content-type': TYPE }, body: 'x' })).status, 500)
  assert.ok(lines.some((line) => line.includes('multipart({ limits: { files } }) takes a whole number from 1 up, got 0')), lines.join('\n'))
})

test.run()
