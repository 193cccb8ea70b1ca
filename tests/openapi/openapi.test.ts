// openapi() (#14): the document of an app's routes, checked by a real OpenAPI 3.1 validator, with schemas
// from zod 4, valibot 1 (through @valibot/to-json-schema) and arktype 2: full paths through mounts, methods,
// path/query/header/cookie parameters, request bodies, described responses, the 400 problem document, shared
// schemas as components; a schema without a JSON Schema side is refused naming the route.
import { Validator } from '@seriousme/openapi-schema-validator'
import { toStandardJsonSchema } from '@valibot/to-json-schema'
import { type } from 'arktype'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as v from 'valibot'
import * as z from 'zod'
import { createApp, describe, openapi, Router, validate, type App, type OpenApiDocument } from '../../src/index.js'
import { recordingLogger, withServer } from '../_helpers/http.js'

const Post = z.object({ title: z.string().min(1), tags: z.array(z.string()).default([]) }).meta({ title: 'Post' })
const Comment = toStandardJsonSchema(v.object({ text: v.pipe(v.string(), v.minLength(1)) }))
const Tenant = type({ 'x-tenant': 'string' })

function blogApp(): App {
  const app = createApp({ logger: recordingLogger().logger })
  const posts = new Router()
  posts.get('/', describe({ summary: 'List posts', tags: ['posts'], responses: { 200: z.array(Post) } }),
    validate({ query: z.object({ page: z.coerce.number().int().min(1).optional() }) }), () => [])
  posts.post('/', describe({ summary: 'Write a post', tags: ['posts'] }), validate({ body: Post }), (req) => req.valid.body)
  posts.post('/:id', describe({ summary: 'Update a post', tags: ['posts'], operationId: 'updatePost', responses: { 200: Post } }),
    validate({ params: z.object({ id: z.coerce.number().int() }), body: Post, headers: Tenant }), (req) => req.valid.body)
  posts.post('/:id/comments', validate({ body: Comment, cookies: z.object({ session: z.string() }) }), () => null)
  posts.delete('/:id', describe({ deprecated: true, responses: { 204: { description: 'Deleted' } } }), () => null)
  app.mount('/users/:userId/posts', posts)
  app.get('/health', () => 'ok')
  app.get('/openapi.json', () => openapi(app, { info: { title: 'Blog', version: '1.0.0' }, servers: [{ url: 'http://127.0.0.1' }] }))
  return app
}

async function expectValid(document: OpenApiDocument): Promise<void> {
  const result = await new Validator().validate(structuredClone(document) as never)
  assert.ok(result.valid, `not a valid OpenAPI 3.1 document: ${JSON.stringify(result.errors, null, 2)}`)
}

const test = suite('openapi()')

test('the document of a blog app is valid OpenAPI 3.1 and says what each route takes and gives', async () => {
  const app = blogApp()
  const doc = openapi(app, { info: { title: 'Blog', version: '1.0.0' } })
  await expectValid(doc)
  assert.is(doc.openapi, '3.1.0')
  assert.equal(Object.keys(doc.paths).sort(), ['/health', '/openapi.json', '/users/{userId}/posts', '/users/{userId}/posts/{id}', '/users/{userId}/posts/{id}/comments'])

  const update = doc.paths['/users/{userId}/posts/{id}']?.post as Record<string, unknown>
  assert.is(update.summary, 'Update a post')
  assert.is(update.operationId, 'updatePost')
  assert.equal(update.tags, ['posts'])
  assert.equal(update.parameters, [
    { name: 'userId', in: 'path', required: true, schema: { type: 'string' } },
    { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 } },
    { name: 'x-tenant', in: 'header', required: true, schema: { type: 'string' } },
  ])
  // Post is what two operations take: one component, referred to from both
  assert.equal(update.requestBody, { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Post' } } } })
  const responses = update.responses as Record<string, { content: Record<string, { schema: unknown }> }>
  assert.equal(responses['400']?.content['application/problem+json']?.schema, { $ref: '#/components/schemas/ValidationProblem' })
  assert.ok(doc.components?.schemas.Post !== undefined && doc.components.schemas.ValidationProblem !== undefined)
  const create = doc.paths['/users/{userId}/posts']?.post as Record<string, unknown>
  assert.equal(create.requestBody, update.requestBody)

  const list = doc.paths['/users/{userId}/posts']?.get as Record<string, unknown>
  assert.equal(list.parameters, [
    { name: 'userId', in: 'path', required: true, schema: { type: 'string' } },
    { name: 'page', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 9007199254740991 } },
  ])

  const comment = doc.paths['/users/{userId}/posts/{id}/comments']?.post as Record<string, { content?: unknown }>
  assert.equal((comment.requestBody as { content: unknown }).content, {
    'application/json': { schema: { type: 'object', properties: { text: { type: 'string', minLength: 1 } }, required: ['text'] } },
  })
  assert.ok(JSON.stringify(comment.parameters).includes('"in":"cookie"'))

  const remove = doc.paths['/users/{userId}/posts/{id}']?.delete as Record<string, unknown>
  assert.is(remove.deprecated, true)
  assert.equal(remove.responses, { 204: { description: 'Deleted' } })
  // a route with nothing documented still has a response, and HEAD and OPTIONS answers are left out
  assert.equal(Object.keys(doc.paths['/health'] ?? {}), ['get'])
})

test('the app serves its document, and describe() steps never run', async () => {
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/a', describe({ summary: 'A' }), () => 'a')
  app.get('/openapi.json', () => openapi(app, { info: { title: 'T', version: '1' } }))
  assert.equal(app.routes().map((r) => r.steps), [['anonymous'], ['anonymous']])
  await withServer(app, async (s) => {
    assert.is((await s.fetch('/a')).body, 'a')
    const served = await s.fetch('/openapi.json')
    assert.is(served.status, 200)
    const doc = JSON.parse(served.body) as OpenApiDocument
    assert.is((doc.paths['/a']?.get as { summary: string }).summary, 'A')
    await expectValid(doc)
  })
})

test('path syntax: regex params, several params in a segment, wildcards and escaped colons', async () => {
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/files/:name(^\\d+).png', () => 'f')
  app.get('/flights/:from-:to', () => 'f')
  app.get('/static/*', () => 's')
  app.get('/time::hour', () => 't')
  const doc = openapi(app, { info: { title: 'T', version: '1' } })
  assert.equal(Object.keys(doc.paths), ['/files/{name}.png', '/flights/{from}-{to}', '/static/{*}', '/time:hour'])
  await expectValid(doc)
})

test('a schema without a JSON Schema side is refused, naming the route and what to do', () => {
  const app = createApp({ logger: recordingLogger().logger })
  app.post('/things', validate({ body: v.object({ a: v.string() }) }), () => 'ok')
  assert.throws(() => openapi(app, { info: { title: 'T', version: '1' } }),
    /the body schema of POST \/things \(valibot\) has no JSON Schema side .*toStandardJsonSchema\(\) from @valibot\/to-json-schema/)
})

test('the document is made once per options; bad options throw', () => {
  const app = blogApp()
  const options = { info: { title: 'Blog', version: '1.0.0' } }
  assert.is(openapi(app, options), openapi(app, { info: { title: 'Blog', version: '1.0.0' } }))
  assert.is.not(openapi(app, options), openapi(app, { info: { title: 'Blog', version: '2.0.0' } }))
  assert.throws(() => openapi(app, {} as never), /needs options.info with a title and a version/)
})

test.run()
