// The blog's JSON API (examples/blog/api.ts) over real HTTP: validated input, problem documents for invalid
// input, the login session shared with the HTML pages, and the OpenAPI document it serves, checked by a real
// OpenAPI 3.1 validator.
import { Validator } from '@seriousme/openapi-schema-validator'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildBlog } from '../../examples/blog/app.js'
import { generateKey } from '../../src/index.js'
import { recordingLogger, serve, type TestServer } from '../_helpers/http.js'

const api = suite<{ server?: TestServer }>('examples/blog API')

api.before.each(async (context) => {
  context.server = await serve(buildBlog({ sessionKey: generateKey(), logger: recordingLogger().logger }))
})
api.after.each(async (context) => {
  await context.server?.close()
})

const JSON_HEADERS = { 'content-type': 'application/json' }

async function logIn(server: TestServer): Promise<string> {
  const res = await server.fetch('/login', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=alice&password=wonderland',
  })
  assert.is(res.status, 303)
  const header = res.headers['set-cookie']
  const line = (Array.isArray(header) ? header : [header]).find((c) => c?.startsWith('session=')) as string
  return line.split(';')[0] as string
}

api('serves a valid OpenAPI 3.1 document of the whole app', async ({ server }) => {
  const res = await server!.fetch('/api/openapi.json')
  assert.is(res.status, 200)
  const doc = JSON.parse(res.body) as { paths: Record<string, Record<string, { summary?: string }>> }
  const result = await new Validator().validate(doc as never)
  assert.ok(result.valid, JSON.stringify(result.errors, null, 2))
  assert.is(doc.paths['/api/posts/{post}']?.patch?.summary, 'Change a post')
  assert.ok(doc.paths['/posts/{post}/edit']?.post !== undefined, 'the HTML routes are in the document too')
})

api('reads posts as JSON; an unknown or malformed slug is a 404 or a 400 problem', async ({ server }) => {
  const list = JSON.parse((await server!.fetch('/api/posts')).body) as { slug: string }[]
  assert.equal(list.map((p) => p.slug), ['hello-world', 'some-post'])
  const one = await server!.fetch('/api/posts/hello-world')
  assert.equal(JSON.parse(one.body), { slug: 'hello-world', title: 'Hello, world', body: 'The first post of the routechain blog.', editor: null })
  assert.is((await server!.fetch('/api/posts/nope')).status, 404)
  const bad = await server!.fetch('/api/posts/NOT_A_SLUG')
  assert.is(bad.status, 400)
  assert.is(bad.headers['content-type'], 'application/problem+json')
  assert.equal(JSON.parse(bad.body).errors.map((e: { in: string; path: string }) => `${e.in} ${e.path}`), ['params /post'])
})

api('PATCH needs the login session, validates the change and records the editor', async ({ server }) => {
  const change = { method: 'PATCH' as const, headers: JSON_HEADERS, body: JSON.stringify({ title: '  New title  ' }) }
  assert.is((await server!.fetch('/api/posts/some-post', change)).status, 401)
  const cookie = await logIn(server!)
  const ok = await server!.fetch('/api/posts/some-post', { ...change, headers: { ...JSON_HEADERS, cookie } })
  assert.is(ok.status, 200, ok.body)
  assert.equal(JSON.parse(ok.body), { slug: 'some-post', title: 'New title', body: 'Log in to edit me.', editor: 'alice' })
  const empty = await server!.fetch('/api/posts/some-post', { method: 'PATCH', headers: { ...JSON_HEADERS, cookie }, body: '{}' })
  assert.is(empty.status, 400)
  assert.equal(JSON.parse(empty.body).errors, [{ in: 'body', path: '', message: 'change the title, the body or both' }])
  // the HTML page shows the change
  assert.match((await server!.fetch('/posts/some-post')).body, 'New title')
})

api.run()
