import * as z from 'zod'
import { createApp, type RouteRequest, type Step, type ValidationSchemas, type Validated } from '../src/index.js'
declare function v2<S extends ValidationSchemas>(schemas: S): Step<RouteRequest, { valid: Validated<S> }>
declare function v3<S>(schemas: S): Step<RouteRequest, { valid: S }>
const Post = z.object({ title: z.string().min(1) })
const needsBody = (req: RouteRequest & { valid: { body: { title: string } } }) => req.valid.body.title
createApp().post('/b', v2({ body: Post }), needsBody)
createApp().post('/c', v3({ body: { title: 'x' } }), needsBody)
