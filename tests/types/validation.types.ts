// Type tests for validate() (#14): compiled by `npm test` under TypeScript 5.9 and 7, never run. Lines under
// `@ts-expect-error` must fail to compile.
import { type } from 'arktype'
import * as v from 'valibot'
import * as z from 'zod'
import { createApp, defineStep, Router, validate, type RouteRequest } from '../../src/index.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
function expectType<T extends true>(): T | undefined { return undefined }

interface User { name: string }
const authenticate = defineStep<{ user: User }>('authenticate', (req) => { req.user = { name: 'a' } })
const Post = z.object({ title: z.string().min(1), tags: z.array(z.string()).default([]) })

// req.valid.<part> is the schema's output: coerced, transformed and defaulted; it composes with other steps
const posts = new Router()
posts.post('/:id', authenticate, validate({ params: z.object({ id: z.coerce.number().int() }), body: Post }), (req) => {
  expectType<Equal<typeof req.valid.params, { id: number }>>()
  expectType<Equal<typeof req.valid.body, { title: string; tags: string[] }>>()
  expectType<Equal<typeof req.user, User>>()
  expectType<Equal<typeof req.params.id, string>>()
  // @ts-expect-error only params and body were validated
  req.valid.query
  return null
})

// valibot and arktype give their outputs too
createApp().get('/v', validate({ query: v.object({ page: v.pipe(v.string(), v.toNumber()) }) }), (req) => {
  expectType<Equal<typeof req.valid.query, { page: number }>>()
})
createApp().get('/a', validate({ headers: type({ 'x-tenant': 'string' }) }), (req) => {
  expectType<Equal<typeof req.valid.headers, { 'x-tenant': string }>>()
})

// two validate steps add up
createApp().post('/both', validate({ query: z.object({ q: z.string() }) }), validate({ body: Post }), (req) => {
  expectType<Equal<typeof req.valid.query.q, string>>()
  expectType<Equal<typeof req.valid.body.title, string>>()
})

// mount-prefix params are validated like any other
createApp().mount('/users/:userId', (users) => users.get('/likes', validate({ params: z.object({ userId: z.uuid() }) }), (req) => {
  expectType<Equal<typeof req.valid.params.userId, string>>()
}))

// a step that needs req.valid.body cannot come before the validate step that provides it
const needsBody = (req: RouteRequest & { valid: { body: { title: string } } }) => req.valid.body.title
createApp().post('/ok', validate({ body: Post }), needsBody)
// @ts-expect-error needsBody runs before validate
createApp().post('/early', needsBody, validate({ body: Post }))

// only the five parts exist
// @ts-expect-error there is no part "bodies"
validate({ bodies: Post })
