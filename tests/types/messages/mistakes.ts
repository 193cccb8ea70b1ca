// Mistakes a user makes, each followed by the words its type error must contain under every TypeScript the
// project supports (tests/types/messages.test.ts compiles this file with each). Not part of the build.
import * as z from 'zod'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createApp, defineStep, Router, validate, type RouteRequest } from '../../../src/index.js'
import { createClient } from '../../../src/client/index.js'

interface User { name: string }
const authenticate = defineStep<{ user: User }>('authenticate', (req) => { req.user = { name: 'alice' } })
const needsUser = (req: RouteRequest & { user: User }) => req.user.name
const pass = (_req: RouteRequest) => undefined
const app = createApp()

const users = new Router<{}, '/users/:userId'>()
users.get('/posts', (req) => req.params.userId)
// error: Property 'userId' is missing
app.mount('/people/:id', users)

const inbox = new Router<{ user: User }>()
// error: Property 'user' is missing
app.mount('/inbox', inbox)

// error: Property 'user' is missing
app.get('/order', needsUser, authenticate)

// error: Property 'slug' does not exist on type '{ id: string; }'
app.get('/post/:id', authenticate, pass, (req) => req.params.slug)

// error: AtMostEightStepsAddFields
app.get('/long', authenticate, pass, pass, pass, pass, pass, pass, pass, (req) => req.user.name)

// error: AtMostEightStepsAddFields
app.use(pass, pass, pass, pass, pass, pass, pass, pass, authenticate)

const needsBody = (req: RouteRequest & { valid: { body: { title: string } } }) => req.valid.body.title
// error: Property 'valid' is missing
app.post('/early', needsBody, validate({ body: z.object({ title: z.string() }) }))

// error: Type 'number' is not assignable to type 'string'
app.post('/wrong', validate({ body: z.object({ title: z.number() }) }), needsBody)

const expressStyle = (_req: IncomingMessage, _res: ServerResponse, next: () => void): void => next()
// error: Target signature provides too few arguments
app.use(expressStyle)

const typed = createApp().get('/health', () => 'ok').mount('/post', new Router().get('/:id', (req) => ({ id: req.params.id })))
const api = createClient<typeof typed>()
// error: GET /nope is not a route of this app
void api.get('/nope')
// error: POST /health is not a route of this app
void api.post('/health')
// error: Property 'params' is missing
void api.get('/post/:id', {})
