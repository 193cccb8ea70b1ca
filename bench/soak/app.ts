// The app under load: a three-step chain (authenticate → authorise → handler) over encrypted cookie sessions.
import { createApp, defineStep, EncryptedCookieStorage, HttpError, text, type App, type RouteRequest } from '../../src/index.js'
import { READ_PATH, ROLES, WRITE_PATH, type AccountAnswer, type SoakSession } from './spec.js'

interface User { name: string; permissions: readonly string[] }

/** Step 1: loads the session from its cookie; no user in it → 401. */
const authenticate = defineStep<{ user: User }>(async function authenticate(req) {
  const session = await req.session<SoakSession>()
  const name = session.get('user')
  const permissions = ROLES[session.get('role') ?? '']
  if (name === undefined || permissions === undefined) return text('unauthenticated', { status: 401 })
  req.user = { name, permissions }
  return undefined
})

/** Step 2: refuses a user without every permission the route needs (403). */
function authorise(needed: readonly string[]) {
  return function authorise(req: RouteRequest & { user: User }): undefined {
    for (const permission of needed) if (!req.user.permissions.includes(permission)) throw new HttpError(403, 'forbidden')
    return undefined
  }
}

/** Step 3 (read): answers from the session without changing it. */
async function readAccount(req: RouteRequest & { user: User }): Promise<AccountAnswer> {
  const session = await req.session<SoakSession>()
  return { user: req.user.name, visits: session.get('visits') ?? 0, changed: false }
}

/** Step 3 (write): counts a visit in the session, which saves it and sets the cookie again. */
async function countVisit(req: RouteRequest & { user: User }): Promise<AccountAnswer> {
  const session = await req.session<SoakSession>()
  const visits = (session.get('visits') ?? 0) + 1
  session.set('visits', visits)
  return { user: req.user.name, visits, changed: true }
}

/**
 * The soak's app, sessions in an {@link EncryptedCookieStorage} with `key`: GET {@link READ_PATH} reads the
 * session, POST {@link WRITE_PATH} changes it; both through authenticate → authorise → handler.
 */
export function soakApp(key: string): App {
  const app = createApp({ session: { storage: new EncryptedCookieStorage(key) } })
  app.get(READ_PATH, authenticate, authorise(['account:read']), readAccount)
  app.post(WRITE_PATH, authenticate, authorise(['account:write']), countVisit)
  return app
}
