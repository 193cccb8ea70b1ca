// Type tests of the typed client: compiled by `npm test` (tsc, under TypeScript 5.9 and 7), never run. Lines
// under `@ts-expect-error` must fail to compile.
import * as z from 'zod'
import { createClient, retry, type Client, type ClientResponse, type ValidationProblem } from '../../src/client/index.js'
import { createApp, defineStep, describe, json, Router, text, validate } from '../../src/index.js'

// mutual assignability: a body typed from a schema library's output type is the same data, written another way
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
function expectType<T extends true>(): T | undefined { return undefined }

interface Post { id: string; title: string; published: Date }
const PostIn = z.object({ title: z.string().min(1), tags: z.array(z.string()).default([]) })
const Missing = z.object({ missing: z.string() })
const authenticate = defineStep<{ user: string }>('authenticate', (req) => { req.user = 'alice' })

const posts = new Router()
  .get('/', () => [{ id: '1', title: 'hello' }])
  .get('/:id', describe({ responses: { 200: z.object({ id: z.string() }), 404: Missing } }), authenticate,
    (req): Post => ({ id: req.params.id, title: req.user, published: new Date() }))
  .post('/:id', validate({ body: PostIn, query: z.object({ draft: z.enum(['yes', 'no']) }) }), (req) => json({ saved: req.valid.body.title }, { status: 201 }))
  .delete('/:id', () => null)

const app = createApp()
  .get('/health', () => text('ok'))
  .get('/files/*', (req) => ({ path: req.params['*'] }))
  .get('/maybe/:id?', async (req) => ({ id: req.params.id }))
  .put('/described', describe({ responses: { 200: z.object({ n: z.number() }) } }), validate({ body: z.object({ n: z.coerce.number() }) }), () => text('untyped answer'))
  .mount('/post', posts)
  .mount('/users/:userId', (users) => users.get('/profile', (req) => ({ user: req.params.userId })))
  .all('/any', () => ({ any: true }))

const api = createClient<typeof app>({ baseUrl: 'http://127.0.0.1:3000', middlewares: [retry()] })

async function calls(): Promise<void> {
  // Route patterns with their mount prefixes; params required exactly when the pattern has some.
  const one = await api.get('/post/:id', { params: { id: '42' } })
  await api.get('/post/:id', { params: { id: 42 } })
  // @ts-expect-error params are required for a pattern with params
  await api.get('/post/:id')
  // @ts-expect-error a param the pattern does not name
  await api.get('/post/:id', { params: { id: '1', other: '2' } })
  // @ts-expect-error no params for a pattern without any
  await api.get('/health', { params: { id: '1' } })
  await api.get('/health')
  await api.get('/post')
  await api.get('/maybe/:id?')
  await api.get('/maybe/:id?', { params: { id: 'x' } })
  await api.get('/files/*', { params: { '*': 'a/b' } })
  await api.get('/users/:userId/profile', { params: { userId: 'u1' } })
  // @ts-expect-error an unknown route
  await api.get('/nope')
  // @ts-expect-error a route without this method
  await api.post('/health')
  // @ts-expect-error the mount prefix is part of the pattern
  await api.get('/:id', { params: { id: '1' } })
  await api.head('/health')
  await api.delete('/post/:id', { params: { id: '1' } })
  await api.patch('/any')
  await api.put('/any')

  // The success body comes from the last step's answer (a Date as its JSON string).
  if (one.ok) {
    { const oneBody = await one.json(); expectType<Equal<typeof oneBody, { id: string; title: string; published: string }>>() }
    expectType<Equal<typeof one.status, 200>>()
  } else if (one.status === 404) {
    { const oneBody = await one.json(); expectType<Equal<typeof oneBody, { missing: string }>>() }
  } else {
    { const oneBody = await one.json(); expectType<Equal<typeof oneBody, unknown>>() }
  }
  const list = await api.get('/post')
  if (list.ok) { const listBody = await list.json(); expectType<Equal<typeof listBody, { id: string; title: string }[]>>() }
  const health = await api.get('/health')
  if (health.ok) { const healthBody = await health.json(); expectType<Equal<typeof healthBody, unknown>>() }
  const profile = await api.get('/users/:userId/profile', { params: { userId: 'u1' } })
  if (profile.ok) { const profileBody = await profile.json(); expectType<Equal<typeof profileBody, { user: string }>>() }
  const maybe = await api.get('/maybe/:id?')
  if (maybe.ok) { const maybeBody = await maybe.json(); expectType<Equal<typeof maybeBody, { id?: string }>>() }

  // json and query checked against validate()'s schemas, by their input types; a 400 is its problem document.
  const saved = await api.post('/post/:id', { params: { id: '1' }, json: { title: 'x' }, query: { draft: 'yes' } })
  if (saved.ok) { const savedBody = await saved.json(); expectType<Equal<typeof savedBody, { saved: string }>>() }
  if (saved.status === 400) { const savedBody = await saved.json(); expectType<Equal<typeof savedBody, ValidationProblem>>() }
  // @ts-expect-error a field of the wrong type
  await api.post('/post/:id', { params: { id: '1' }, json: { title: 1 }, query: { draft: 'yes' } })
  // @ts-expect-error a required field missing
  await api.post('/post/:id', { params: { id: '1' }, json: {}, query: { draft: 'yes' } })
  // @ts-expect-error the body is required when the route validates one
  await api.post('/post/:id', { params: { id: '1' }, query: { draft: 'yes' } })
  // @ts-expect-error a query value the schema refuses
  await api.post('/post/:id', { params: { id: '1' }, json: { title: 'x' }, query: { draft: 'maybe' } })
  // @ts-expect-error a raw body where the route validates JSON
  await api.post('/post/:id', { params: { id: '1' }, json: { title: 'x' }, query: { draft: 'no' }, body: 'raw' })
  // the input type: a coerced number takes anything
  await api.put('/described', { json: { n: '3' } })
  const described = await api.put('/described', { json: { n: 3 } })
  // an answer that is not JSON data falls back to the declared 2xx schema
  if (described.ok) { const describedBody = await described.json(); expectType<Equal<typeof describedBody, { n: number }>>() }

  // Per-request middlewares and every other option still work; a typed response is a ClientResponse.
  const plain: ClientResponse = await api.get('/health', { middlewares: [], timeout: 1000, headers: { 'x-a': 'b' } })
  void plain
  const more = api.with(retry({ attempts: 2 }))
  await more.get('/post/:id', { params: { id: '1' } })
  // @ts-expect-error the narrowed client keeps its types
  await more.get('/nope')
}
void calls

// Without a type argument the client is what it is today.
const untyped: Client = createClient({ baseUrl: 'http://127.0.0.1:3000' })
void untyped.get('/anything/at/all')
const sameType: ReturnType<typeof createClient> = untyped
void sameType
