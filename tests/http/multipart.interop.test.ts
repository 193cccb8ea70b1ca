// Multipart uploads from real clients (#16): curl's -F and Python aiohttp's FormData, to a route that reads the
// form with req.multipart().collect() and answers what arrived: fields, file names, types, sizes and a digest.
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, type App } from '../../src/index.js'
import { recordingLogger } from '../_helpers/http.js'
import { runCommand } from '../_helpers/process.js'
import { runPythonJsonAsync } from '../_helpers/python.js'
import { hasCommand, hasPythonModules, needs } from '../_helpers/services.js'

const CLIENT = fileURLToPath(new URL('../../../tests/_helpers/multipart_client.py', import.meta.url))
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

/** 300 KiB of bytes that are not text, every value 0–255 in them. */
const BINARY = Buffer.from(Array.from({ length: 300 * 1024 }, (_, i) => (i * 7919) % 256))

function uploadApp(): App {
  const app = createApp({ logger: recordingLogger().logger })
  app.post('/upload', async (req) => {
    const { fields, files } = await req.multipart({ limits: { total: 2 * 1024 * 1024 } }).collect()
    return {
      fields,
      files: await Promise.all(files.map(async (f) => ({ name: f.name, filename: f.filename, type: f.type, size: f.size, sha256: sha256(await readFile(f.path)) }))),
    }
  })
  return app
}

const EXPECTED = (textType: string) => ({
  fields: { title: 'Trip — été', tags: ['sea', 'sun'] },
  files: [
    { name: 'photo', filename: 'photo.bin', type: 'application/octet-stream', size: BINARY.length, sha256: sha256(BINARY) },
    { name: 'notes', filename: 'notes.txt', type: textType, size: 12, sha256: sha256(Buffer.from('hello, world')) },
  ],
})

test('curl -F: fields, a repeated field and two files arrive whole', async () => {
  if (!needs('curl', hasCommand('curl'), 'apt-get install curl')) return
  const app = uploadApp()
  const dir = await mkdtemp(join(tmpdir(), 'routechain-curl-'))
  try {
    await writeFile(join(dir, 'photo.bin'), BINARY)
    await writeFile(join(dir, 'notes.txt'), 'hello, world')
    const server = await app.listen({ port: 0, host: '127.0.0.1' })
    const result = await runCommand('curl', ['-sS', '--max-time', '20', '-w', '\n%{http_code}',
      '-F', 'title=Trip — été', '-F', 'tags=sea', '-F', 'tags=sun',
      '-F', `photo=@${join(dir, 'photo.bin')};type=application/octet-stream`, '-F', `notes=@${join(dir, 'notes.txt')};type=text/plain`,
      `${server.url}/upload`])
    assert.is(result.code, 0, result.stderr)
    const [body, status] = [result.stdout.slice(0, result.stdout.lastIndexOf('\n')), result.stdout.slice(result.stdout.lastIndexOf('\n') + 1)]
    assert.is(status, '200', body)
    assert.equal(JSON.parse(body), EXPECTED('text/plain'))
  } finally {
    await app.close({ timeout: 1000 })
    await rm(dir, { recursive: true, force: true })
  }
})

test("Python aiohttp's FormData: fields, a repeated field and two files arrive whole", async () => {
  if (!needs("Debian's python3 with aiohttp", hasPythonModules('aiohttp'), 'apt-get install python3-aiohttp')) return
  const app = uploadApp()
  try {
    const server = await app.listen({ port: 0, host: '127.0.0.1' })
    const answer = await runPythonJsonAsync<{ status: number; body: string }>(CLIENT, {
      url: `${server.url}/upload`,
      fields: [['title', 'Trip — été'], ['tags', 'sea'], ['tags', 'sun']],
      files: [
        { name: 'photo', filename: 'photo.bin', type: 'application/octet-stream', content_b64: BINARY.toString('base64') },
        { name: 'notes', filename: 'notes.txt', type: 'text/plain', content_b64: Buffer.from('hello, world').toString('base64') },
      ],
    })
    assert.is(answer.status, 200, answer.body)
    assert.equal(JSON.parse(answer.body), EXPECTED('text/plain'))
  } finally {
    await app.close({ timeout: 1000 })
  }
})

test.run()
