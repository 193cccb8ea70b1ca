import * as z from 'zod'
import { createApp, defineStep, validate, describe, openapi, Router } from '../src/index.js'
const app = createApp({ errors: 'problem+json' })
const Post = z.object({ title: z.string().min(1), tags: z.array(z.string()).default([]) })
interface User { name: string }
const authenticate = defineStep<{ user: User }>('authenticate', (req) => { req.user = { name: 'a' } })
const posts = new Router()
posts.post('/:id', describe({ summary: 'Update a post', tags: ['posts'] }), authenticate,
  validate({ params: z.object({ id: z.coerce.number().int() }), body: Post }),
  (req) => {
    const id: number = req.params.id as unknown as number
    const n: number = req.valid.params.id
    const t: string[] = req.valid.body.tags
    return { id, n, t, u: req.user.name }
  })
app.mount('/post', posts)
app.get('/openapi.json', () => openapi(app, { info: { title: 'Blog', version: '1.0.0' } }))
// two validate steps add up
app.get('/q/:id', validate({ params: z.object({ id: z.string() }) }), validate({ query: z.object({ q: z.string() }) }), (req) => req.valid.params.id + req.valid.query.q)
// @ts-expect-error body not validated
app.get('/r', validate({ query: z.object({ q: z.string() }) }), (req) => req.valid.body)
// @ts-expect-error valid before validate
app.post('/s', (req: import('../src/index.js').RouteRequest & { valid: { body: { a: string } } }) => req.valid.body.a, validate({ body: z.object({ a: z.string() }) }))
// @ts-expect-error unknown part
validate({ bodyy: Post })
