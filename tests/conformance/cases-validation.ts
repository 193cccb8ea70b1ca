// Conformance cases for validate() and problem+json errors (#14): outputs on req.valid, the 400 problem
// document with JSON-pointer paths, bodies as JSON and forms, 413 and 415, a schema that throws, onInvalid, and
// routechain's own errors as problem documents under createApp({ errors: 'problem+json' }). zod here; the same
// behaviour on valibot and arktype is in tests/validation/libraries.test.ts.
import * as z from 'zod'
import { createApp, HttpError, validate, type Logger } from '../../src/index.js'
import { get, jsonAnswer, noStack, post, textAnswer, type Case, type Expected } from './case.js'

const PROBLEM = 'application/problem+json'
const JSON_BODY = 'application/json'
const FORM_BODY = 'application/x-www-form-urlencoded'

/** A problem document answer: exact body (JSON of `document`), the problem content type. */
function problemAnswer(document: Record<string, unknown>, headers: Record<string, string | RegExp | null> = {}): Expected {
  const body = JSON.stringify(document)
  return { status: document.status as number, headers: { 'content-type': PROBLEM, 'content-length': String(Buffer.byteLength(body)), ...headers }, body }
}

const problem = (status: number, title: string, detail?: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Expected =>
  problemAnswer({ type: 'about:blank', title, status, ...(detail === undefined ? {} : { detail }), ...extra }, headers)

const Post = z.object({ title: z.string().min(1), tags: z.array(z.string()).default([]) })

/** POST /posts/:id with params coerced to a number and a Post body; answers what the steps after it see. */
function postsApp(logger: Logger, options: Parameters<typeof createApp>[0] = {}) {
  return createApp({ logger, ...options }).post('/posts/:id',
    validate({ params: z.object({ id: z.coerce.number().int() }), body: Post }),
    (req) => ({ id: req.valid.params.id, body: req.valid.body }))
}

export const validationCases: readonly Case[] = [
  {
    name: 'validate(): the outputs (coerced, defaulted) reach the steps after it on req.valid',
    app: (logger) => postsApp(logger),
    exchanges: [{ request: post('/posts/7', '{"title":"hello"}', JSON_BODY), expect: jsonAnswer({ id: 7, body: { title: 'hello', tags: [] } }) }],
  },
  {
    name: 'validate(): invalid input is a 400 problem document listing each value by part and JSON pointer',
    app: (logger) => postsApp(logger),
    exchanges: [{
      request: post('/posts/x', '{"title":"","tags":["ok",3]}', JSON_BODY),
      expect: problem(400, 'Bad Request', 'the request has 3 invalid values', {
        errors: [
          { in: 'params', path: '/id', message: 'Invalid input: expected number, received NaN' },
          { in: 'body', path: '/title', message: 'Too small: expected string to have >=1 characters' },
          { in: 'body', path: '/tags/1', message: 'Invalid input: expected string, received number' },
        ],
      }),
    }],
  },
  {
    name: 'validate(): an urlencoded form body is validated like JSON',
    app: (logger) => createApp({ logger }).post('/form', validate({ body: z.object({ name: z.string(), age: z.coerce.number() }) }), (req) => req.valid.body),
    exchanges: [{ request: post('/form', 'name=Ann&age=41', FORM_BODY), expect: jsonAnswer({ name: 'Ann', age: 41 }) }],
  },
  {
    name: 'validate(): query, headers and cookies are validated, and two validate steps add up',
    app: (logger) => createApp({ logger }).get('/search',
      validate({ query: z.object({ q: z.string(), page: z.coerce.number().default(1) }) }),
      validate({ headers: z.object({ 'x-tenant': z.string() }), cookies: z.object({ theme: z.enum(['dark', 'light']) }) }),
      (req) => ({ q: req.valid.query.q, page: req.valid.query.page, tenant: req.valid.headers['x-tenant'], theme: req.valid.cookies.theme })),
    exchanges: [
      { request: get('/search?q=cats', { 'x-tenant': 'acme', cookie: 'theme=dark' }), expect: jsonAnswer({ q: 'cats', page: 1, tenant: 'acme', theme: 'dark' }) },
      {
        request: get('/search?q=cats', { cookie: 'theme=blue' }),
        expect: problem(400, 'Bad Request', 'the request has 2 invalid values', {
          errors: [
            { in: 'headers', path: '/x-tenant', message: 'Invalid input: expected string, received undefined' },
            { in: 'cookies', path: '/theme', message: 'Invalid option: expected one of "dark"|"light"' },
          ],
        }),
      },
    ],
  },
  {
    name: 'validate(): a body of another content type is 415; a body past the limit is 413; invalid JSON is 400',
    app: (logger) => postsApp(logger, { bodyLimit: 64 }),
    exchanges: [
      { request: post('/posts/1', 'title=x', 'text/plain'), expect: textAnswer('expected an application/json or application/x-www-form-urlencoded body, got content-type text/plain', 415) },
      { request: post('/posts/1', JSON.stringify({ title: 'x'.repeat(100) }), JSON_BODY), expect: textAnswer('request body is larger than 64 bytes', 413) },
      { request: post('/posts/1', '{"title":', JSON_BODY), expect: textAnswer('invalid JSON in request body', 400) },
    ],
  },
  {
    name: "validate(): with errors: 'problem+json', 415, 413 and invalid JSON are problem documents too",
    app: (logger) => postsApp(logger, { bodyLimit: 64, errors: 'problem+json' }),
    exchanges: [
      { request: post('/posts/1', 'title=x', 'text/plain'), expect: problem(415, 'Unsupported Media Type', 'expected an application/json or application/x-www-form-urlencoded body, got content-type text/plain') },
      { request: post('/posts/1', JSON.stringify({ title: 'x'.repeat(100) }), JSON_BODY), expect: problem(413, 'Payload Too Large', 'request body is larger than 64 bytes') },
      { request: post('/posts/1', '{"title":', JSON_BODY), expect: problem(400, 'Bad Request', 'invalid JSON in request body') },
    ],
  },
  {
    name: 'validate(): a schema that throws is a 500 that gives nothing away',
    app: (logger) => createApp({ logger }).post('/boom',
      validate({ body: z.object({ a: z.string() }).transform(() => { throw new Error('secret at /srv/schema.ts:3') }) }), () => 'unreachable'),
    exchanges: [{ request: post('/boom', '{"a":"x"}', JSON_BODY), expect: { ...textAnswer('Internal Server Error', 500), body: noStack } }],
  },
  {
    name: 'validate(): onInvalid shapes the answer; returning undefined keeps the default',
    app: (logger) => createApp({ logger })
      .post('/custom', validate({ body: Post }, { onInvalid: (errors) => ({ ok: false, fields: errors.map((e) => e.path) }) }), () => 'ok')
      .post('/default', validate({ body: Post }, { onInvalid: () => undefined }), () => 'ok'),
    exchanges: [
      { request: post('/custom', '{}', JSON_BODY), expect: jsonAnswer({ ok: false, fields: ['/title'] }) },
      {
        request: post('/default', '{}', JSON_BODY),
        expect: problem(400, 'Bad Request', 'the request has 1 invalid value', { errors: [{ in: 'body', path: '/title', message: 'Invalid input: expected string, received undefined' }] }),
      },
    ],
  },
  {
    name: "errors: 'problem+json': 404, 405, a malformed URL, an HttpError and a 500 are problem documents",
    app: (logger) => createApp({ logger, errors: 'problem+json' })
      .get('/posts', () => 'list')
      .get('/gone', () => { throw new Error('hidden') })
      .get('/conflict', () => { throw new HttpError(409, 'that title is taken') }),
    exchanges: [
      { request: get('/nope'), expect: problem(404, 'Not Found') },
      { request: post('/posts', '', JSON_BODY), expect: problem(405, 'Method Not Allowed', undefined, {}, { allow: 'GET, HEAD, OPTIONS' }) },
      { request: get('/%E0%A4%A'), expect: problem(400, 'Bad Request', 'malformed URL') },
      { request: get('/gone'), expect: problem(500, 'Internal Server Error') },
      { request: get('/conflict'), expect: problem(409, 'Error', 'that title is taken') },
    ],
  },
]
