// Multipart uploads from a real browser (#16): Debian's chromium (playwright-core) fills an HTML form with a
// text field and two files, one of them binary, and submits it; the route reads it with req.multipart() and
// the page it lands on shows what arrived. A file past the limit lands on a 413, not a truncated upload.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { Browser } from 'playwright-core'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, html, type App } from '../../src/index.js'
import { recordingLogger } from '../_helpers/http.js'
import { haveChromium, launchChromium } from '../_helpers/browser.js'

const BINARY = Buffer.from(Array.from({ length: 200 * 1024 }, (_, i) => (i * 31) % 256))
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex')

const FORM = `<!doctype html><title>upload</title>
<form method="post" action="/upload" enctype="multipart/form-data">
  <input name="title"><input type="file" name="files" multiple><input type="file" name="optional"><button>send</button>
</form>`

function uploadApp(): App {
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/', () => html(FORM))
  app.post('/upload', async (req) => {
    const { fields, files } = await req.multipart({ limits: { fileSize: 512 * 1024 } }).collect()
    const described = await Promise.all(files.map(async (f) => ({ name: f.name, filename: f.filename, type: f.type, size: f.size, sha256: sha256(await readFile(f.path)) })))
    return { fields, files: described }
  })
  return app
}

test('chromium: a form with a text field and two files arrives whole; an empty file input is not a file', async () => {
  if (!haveChromium()) return
  const app = uploadApp()
  let browser: Browser | undefined
  try {
    const server = await app.listen({ port: 0, host: '127.0.0.1' })
    browser = await launchChromium()
    const page = await browser.newPage()
    await page.goto(server.url)
    await page.fill('input[name=title]', 'Trip — été')
    await page.setInputFiles('input[name=files]', [
      { name: 'sea.bin', mimeType: 'application/octet-stream', buffer: BINARY },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello, world') },
    ])
    await Promise.all([page.waitForURL(`${server.url}/upload`), page.click('button')])
    assert.equal(JSON.parse(await page.innerText('body')), {
      fields: { title: 'Trip — été' },
      files: [
        { name: 'files', filename: 'sea.bin', type: 'application/octet-stream', size: BINARY.length, sha256: sha256(BINARY) },
        { name: 'files', filename: 'notes.txt', type: 'text/plain', size: 12, sha256: sha256(Buffer.from('hello, world')) },
      ],
    })

    await page.goto(server.url)
    await page.setInputFiles('input[name=files]', [{ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(600 * 1024) }])
    const [response] = await Promise.all([page.waitForResponse(`${server.url}/upload`), page.click('button')])
    assert.is(response.status(), 413)
    assert.is(await response.text(), 'file "huge.bin" is larger than 524288 bytes')
  } finally {
    await browser?.close()
    await app.close({ timeout: 1000 })
  }
})

test.run()
