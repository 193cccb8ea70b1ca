import { createApp, defineStep, Router, type RouteRequest } from '../src/index.js'
interface User { name: string }
const auth = defineStep<{ user: User }>('auth', (req) => { req.user = { name: 'a' } })
const s = (req: RouteRequest) => { void req }
const needsUser = (req: RouteRequest & { user: User }) => { void req.user }
const app = createApp()
// 1. wrong mount
const users = new Router<{}, '/users/:userId'>()
users.get('/posts', (req) => req.params.userId)
app.mount('/people/:id', users)
// 2. nine steps
app.get('/nine', auth, s, s, s, s, s, s, s, (req) => req.user.name)
// 3. nine steps, needsUser without auth
app.get('/nine2', s, s, s, s, s, s, s, s, needsUser)
// 4. four typed in use
const a2 = defineStep<{ a: 1 }>('a', () => {})
const a3 = defineStep<{ b: 1 }>('b', () => {})
const a4 = defineStep<{ c: 1 }>('c', () => {})
const app2 = createApp().use(auth, a2, a3, a4)
app2.get('/', (req) => req.c)
// 5. step ordering error message (Partial noise)
app.get('/x', needsUser, auth)
