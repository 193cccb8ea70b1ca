// Conformance cases for multipart uploads (#16): req.multipart() streamed and collected, req.form() on a
// multipart form, every limit answering 413 (never a file cut short), and malformed bodies answering 400: no
// boundary, truncated, ten thousand tiny parts, a part's header flood, a part without Content-Disposition.
import { readFile } from 'node:fs/promises'
import { createApp, type Logger } from '../../src/index.js'
import { jsonAnswer, textAnswer, type Case } from './case.js'

const BOUNDARY = '----routechain-7MA4YWxk'
const TYPE = `multipart/form-data; boundary=${BOUNDARY}`

type Part = { name: string; value: string } | { name: string; filename: string; type?: string; content: string | Buffer }

/** A multipart body as a browser writes it. */
export function multipart(parts: readonly Part[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = []
  for (const part of parts) {
    if ('value' in part) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`))
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\n` +
        `Content-Type: ${part.type ?? 'application/octet-stream'}\r\n\r\n`))
      chunks.push(Buffer.isBuffer(part.content) ? part.content : Buffer.from(part.content), Buffer.from('\r\n'))
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return Buffer.concat(chunks)
}

const upload = (path: string, body: string | Uint8Array, contentType = TYPE) => ({ method: 'POST', path, body, headers: { 'content-type': contentType } })

/** Routes that read an upload each way, with small limits on /limited. */
function uploadApp(logger: Logger) {
  const app = createApp({ logger })
  app.post('/collect', async (req) => {
    const { fields, files } = await req.multipart().collect()
    const contents = await Promise.all(files.map(async (f) => ({ name: f.name, filename: f.filename, type: f.type, size: f.size, text: (await readFile(f.path)).toString() })))
    return { fields, files: contents }
  })
  app.post('/stream', async (req) => {
    const seen: string[] = []
    for await (const part of req.multipart()) {
      if (part.kind === 'field') seen.push(`${part.name}=${part.value}`)
      else {
        let bytes = 0
        for await (const chunk of part.stream) bytes += (chunk as Buffer).length
        seen.push(`${part.name}:${part.filename}:${part.type}:${bytes}`)
      }
    }
    return seen
  })
  app.post('/form', async (req) => req.form())
  app.post('/limited', async (req) => {
    const { fields, files } = await req.multipart({ limits: { total: 4096, fileSize: 100, files: 2, fields: 3, fieldSize: 50, parts: 4 } }).collect()
    return { fields: Object.keys(fields).length, files: files.length }
  })
  return app
}

const file = (name: string, bytes: number) => ({ name, filename: `${name}.bin`, content: 'x'.repeat(bytes) })
const field = (name: string, value = 'v') => ({ name, value })

function tinyParts(count: number): string {
  let body = ''
  for (let i = 0; i < count; i++) body += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nx\r\n`
  return `${body}--${BOUNDARY}--\r\n`
}

export const multipartCases: readonly Case[] = [
  {
    name: 'req.multipart().collect(): text fields (a repeated one as a list) and files saved whole, with their names and types',
    app: uploadApp,
    exchanges: [{
      request: upload('/collect', multipart([
        field('title', 'holiday'), field('tag', 'sea'), field('tag', 'sun'),
        { name: 'photos', filename: 'a.txt', type: 'text/plain', content: 'first file' },
        { name: 'photos', filename: 'b.bin', content: Buffer.from([0, 1, 2, 255]) },
        { name: 'empty', filename: '', content: '' },
      ])),
      expect: jsonAnswer({
        fields: { title: 'holiday', tag: ['sea', 'sun'] },
        files: [
          { name: 'photos', filename: 'a.txt', type: 'text/plain', size: 10, text: 'first file' },
          { name: 'photos', filename: 'b.bin', type: 'application/octet-stream', size: 4, text: Buffer.from([0, 1, 2, 255]).toString() },
        ],
      }),
    }],
  },
  {
    name: 'req.multipart() as parts streaming in, in order; a file name loses any directory part',
    app: uploadApp,
    exchanges: [{
      request: upload('/stream', multipart([field('a', '1'), { name: 'f', filename: '../../etc/passwd', content: 'y'.repeat(70_000) }, field('b', '2')])),
      expect: jsonAnswer(['a=1', 'f:passwd:application/octet-stream:70000', 'b=2']),
    }],
  },
  {
    name: "req.form() reads a multipart form's text fields; a file sent to it is 400, an empty file input is not",
    app: uploadApp,
    exchanges: [
      { request: upload('/form', multipart([field('name', 'ann'), field('name', 'bob'), { name: 'pic', filename: '', content: '' }])), expect: jsonAnswer({ name: ['ann', 'bob'] }) },
      { request: upload('/form', multipart([field('name', 'ann'), file('pic', 3)])), expect: textAnswer('req.form() reads text fields, and field "pic" is a file: this route reads its form with req.multipart()', 400) },
    ],
  },
  {
    name: 'multipart limits: a file, a field, the files, fields, parts and total past their limits are 413, never cut short',
    app: uploadApp,
    exchanges: [
      { request: upload('/limited', multipart([field('a'), file('f', 100)])), expect: jsonAnswer({ fields: 1, files: 1 }) },
      { request: upload('/limited', multipart([file('f', 101)])), expect: textAnswer('file "f.bin" is larger than 100 bytes', 413) },
      { request: upload('/limited', multipart([field('a', 'x'.repeat(51))])), expect: textAnswer('field "a" is larger than 50 bytes', 413) },
      { request: upload('/limited', multipart([file('f', 1), file('g', 1), file('h', 1)])), expect: textAnswer('the form has more than 2 files', 413) },
      { request: upload('/limited', multipart([field('a'), field('b'), field('c'), field('d')])), expect: textAnswer('the form has more than 3 fields', 413) },
      { request: upload('/limited', multipart([field('a'), field('b'), file('f', 1), file('g', 1), field('c')])), expect: textAnswer('the form has more than 4 parts', 413) },
      { request: upload('/limited', multipart([field('a', 'x'.repeat(40)), ...Array.from({ length: 2 }, (_, i) => file(`f${i}`, 100))]).toString() + 'z'.repeat(4096)), expect: textAnswer('request body is larger than 4096 bytes', 413) },
    ],
  },
  {
    name: 'malformed multipart is 400: no boundary, a truncated body, a part without Content-Disposition or not form-data',
    app: uploadApp,
    exchanges: [
      { request: upload('/collect', multipart([field('a')]), 'multipart/form-data'), expect: textAnswer('malformed multipart body: no boundary in its Content-Type', 400) },
      { request: upload('/collect', `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end in sight`), expect: textAnswer('malformed multipart body: unexpected end of multipart data', 400) },
      { request: upload('/collect', `--${BOUNDARY}\r\nX-Other: y\r\n\r\nv\r\n--${BOUNDARY}--\r\n`), expect: textAnswer('malformed multipart body: a part has no Content-Disposition', 400) },
      { request: upload('/collect', `--${BOUNDARY}\r\nContent-Disposition: attachment; name="a"\r\n\r\nv\r\n--${BOUNDARY}--\r\n`), expect: textAnswer('malformed multipart body: a part has no form-data Content-Disposition naming its field', 400) },
      { request: upload('/collect', multipart([field('a')]), 'text/plain'), expect: textAnswer('expected a multipart/form-data body, got content-type text/plain', 415) },
    ],
  },
  {
    name: "a flood of multipart parts or part headers is 413: ten thousand tiny parts, a part's thousands of header lines or bytes",
    app: uploadApp,
    exchanges: [
      { request: upload('/collect', tinyParts(10_000)), expect: textAnswer('the form has more than 1000 parts', 413) },
      {
        request: upload('/collect', `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n${'X-A: b\r\n'.repeat(5000)}\r\nv\r\n--${BOUNDARY}--\r\n`),
        expect: textAnswer('a part has more than 16 header lines', 413),
      },
      {
        request: upload('/collect', `--${BOUNDARY}\r\nX-Long: ${'b'.repeat(100_000)}\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--${BOUNDARY}--\r\n`),
        expect: textAnswer("a part's headers are larger than 8192 bytes", 413),
      },
    ],
  },
]
