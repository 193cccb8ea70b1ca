// Conformance cases for conditional GET (#16): a strong ETag on 200 answers to GET and HEAD with text, JSON or
// bytes; 304 for If-None-Match (weak comparison, `*` too) or, without it, If-Modified-Since against the reply's
// Last-Modified; none on other methods or statuses, none with createApp({ etag: false }), and a reply's own
// ETag kept. The round trip with the ETag an answer gave is in tests/http/conditional.test.ts.
import { createApp, reply, text } from '../../src/index.js'
import { get, post, type Case } from './case.js'

const ETAG = /^"[0-9a-z]+-[0-9A-Za-z_-]+"$/
const MODIFIED = 'Wed, 21 Oct 2026 07:28:00 GMT'

export const conditionalCases: readonly Case[] = [
  {
    name: 'conditional GET: text, JSON and bytes get a strong ETag; If-None-Match: * answers 304 without a body',
    app: (logger) => createApp({ logger })
      .get('/t', () => 'hello')
      .get('/j', () => ({ a: 1 }))
      .get('/b', () => new Uint8Array([1, 2, 3])),
    exchanges: [
      { request: get('/t'), expect: { status: 200, headers: { etag: ETAG }, body: 'hello' } },
      { request: get('/j'), expect: { status: 200, headers: { etag: ETAG }, body: '{"a":1}' } },
      { request: get('/b'), expect: { status: 200, headers: { etag: ETAG }, body: '\u0001\u0002\u0003' } },
      { request: get('/t', { 'if-none-match': '*' }), expect: { status: 304, headers: { etag: ETAG, 'content-type': null, 'content-length': null }, body: '' } },
      { request: get('/t', { 'if-none-match': '"other", W/"stale"' }), expect: { status: 200, headers: { etag: ETAG }, body: 'hello' } },
    ],
  },
  {
    name: "conditional GET: no ETag on POST or on a 404; a reply's own ETag is kept and matched weakly",
    app: (logger) => createApp({ logger })
      .post('/p', () => 'made')
      .get('/own', () => reply('v2', { headers: { etag: 'W/"v2"', 'cache-control': 'max-age=60' } })),
    exchanges: [
      { request: post('/p', ''), expect: { status: 200, headers: { etag: null }, body: 'made' } },
      { request: get('/missing'), expect: { status: 404, headers: { etag: null }, body: 'Not Found' } },
      { request: get('/own'), expect: { status: 200, headers: { etag: 'W/"v2"' }, body: 'v2' } },
      { request: get('/own', { 'if-none-match': '"v2"' }), expect: { status: 304, headers: { etag: 'W/"v2"', 'cache-control': 'max-age=60' }, body: '' } },
    ],
  },
  {
    name: 'conditional GET: If-Modified-Since against the Last-Modified a reply sets',
    app: (logger) => createApp({ logger, etag: false }).get('/doc', () => text('doc', { headers: { 'last-modified': MODIFIED } })),
    exchanges: [
      { request: get('/doc', { 'if-modified-since': MODIFIED }), expect: { status: 304, headers: { 'last-modified': MODIFIED }, body: '' } },
      { request: get('/doc', { 'if-modified-since': 'Tue, 20 Oct 2026 07:28:00 GMT' }), expect: { status: 200, headers: { 'last-modified': MODIFIED }, body: 'doc' } },
    ],
  },
  {
    name: 'conditional GET: createApp({ etag: false }) sends no ETag and answers If-None-Match with the body',
    app: (logger) => createApp({ logger, etag: false }).get('/t', () => 'hello'),
    exchanges: [{ request: get('/t', { 'if-none-match': '*' }), expect: { status: 200, headers: { etag: null }, body: 'hello' } }],
  },
]
