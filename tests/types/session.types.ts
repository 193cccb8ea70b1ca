// Session type tests: compiled by `npm test` (tsc), never run. Lines under `@ts-expect-error` must fail to compile.
//
// SessionData is not augmented here: `declare module` augmentation holds for the whole compilation, so it would
// retype `req.session()` in every other test file and example. The typed forms are checked with the per-call
// type argument, `req.session<{ … }>()`, which is what an augmentation feeds into as the default.
import {
  createApp,
  EncryptedCookieStorage,
  generateKey,
  NaClCookieStorage,
  SimpleCookieStorage,
  type KnownSessionData,
  type RouteRequest,
  type Session,
  type SessionOptions,
  type SessionStorage,
  type StoredSession,
} from '../../src/index.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
function expectType<T extends true>(): T | undefined { return undefined }

interface Account {
  user: string
  visits: number
  roles: string[]
  profile?: { theme: 'dark' | 'light' }
}

const app = createApp({ session: { storage: new EncryptedCookieStorage(generateKey()) } })

// ---------------------------------------------------------------------------------------------------------------
// Typed per call: get() gives the declared type or undefined; set() takes only the declared type; keys are checked.

app.get('/typed', async (req) => {
  const session = await req.session<Account>()
  expectType<Equal<typeof session, Session<Account>>>()

  const user = session.get('user')
  expectType<Equal<typeof user, string | undefined>>()
  const visits = session.get('visits')
  expectType<Equal<typeof visits, number | undefined>>()
  const roles = session.get('roles')
  expectType<Equal<typeof roles, string[] | undefined>>()
  const profile = session.get('profile')
  expectType<Equal<typeof profile, { theme: 'dark' | 'light' } | undefined>>()

  // set() returns the session, so calls chain
  const chained = session.set('user', 'alice').set('visits', 1).set('profile', { theme: 'dark' })
  expectType<Equal<typeof chained, Session<Account>>>()

  // @ts-expect-error visits is a number
  session.set('visits', '1')
  // @ts-expect-error user is a string; undefined is not one (delete() removes a key)
  session.set('user', undefined)
  // @ts-expect-error theme is 'dark' or 'light'
  session.set('profile', { theme: 'blue' })
  // @ts-expect-error roles holds strings
  session.set('roles', [1, 2])

  // @ts-expect-error role is not a key of Account
  session.get('role')
  // @ts-expect-error role is not a key of Account
  session.set('role', 'admin')
  // @ts-expect-error role is not a key of Account
  session.delete('role')
  // @ts-expect-error role is not a key of Account
  session.has('role')

  const keys = session.keys()
  expectType<Equal<typeof keys, ('user' | 'visits' | 'roles' | 'profile')[]>>()
  const all = session.toJSON()
  expectType<Equal<typeof all, Partial<Account>>>()
  const removed = session.delete('visits')
  expectType<Equal<typeof removed, boolean>>()

  expectType<Equal<typeof session.isNew, boolean>>()
  expectType<Equal<typeof session.isChanged, boolean>>()
  expectType<Equal<typeof session.createdAt, number>>()
  expectType<Equal<typeof session.maxAge, number | undefined>>()
  // @ts-expect-error isNew is read-only
  session.isNew = false
  // @ts-expect-error createdAt is read-only
  session.createdAt = 0
  // @ts-expect-error maxAge is read-only: setMaxAge() changes it
  session.maxAge = 60

  session.setMaxAge(30 * 24 * 3600)
  // @ts-expect-error setMaxAge() takes seconds as a number
  session.setMaxAge('30d')

  expectType<Equal<ReturnType<typeof session.invalidate>, void>>()
  expectType<Equal<ReturnType<typeof session.regenerate>, void>>()
  expectType<Equal<ReturnType<typeof session.changed>, void>>()
  expectType<Equal<ReturnType<typeof session.clear>, void>>()

  const fresh = await req.newSession<Account>()
  expectType<Equal<typeof fresh, Session<Account>>>()
  // @ts-expect-error visits is a number, in a new session too
  fresh.set('visits', 'many')

  return user ?? 'nobody'
})

// Steps that read the session in use steps and routers are typed the same way.
app.use(async (req) => {
  const session = await req.session<{ visits: number }>()
  session.set('visits', (session.get('visits') ?? 0) + 1)
})

// ---------------------------------------------------------------------------------------------------------------
// Untyped: any JSON object; values come back as unknown and must be narrowed before use.

function untyped(session: Session<Record<string, unknown>>): void {
  const anything = session.get('anything')
  expectType<Equal<typeof anything, unknown>>()
  session.set('anything', { nested: [1, 'two'] })
  session.set('other', null)
  // @ts-expect-error unknown must be narrowed first
  anything.toUpperCase()
  if (typeof anything === 'string') anything.toUpperCase()
}
void untyped

// Without a type argument, req.session() gives the app-wide session type.
async function byDefault(req: RouteRequest): Promise<void> {
  const session = await req.session()
  expectType<Equal<typeof session, Session<KnownSessionData>>>()
}
void byDefault

// ---------------------------------------------------------------------------------------------------------------
// Storages: the built-in ones and a custom one fit SessionStorage; keys are strings or bytes.

const storages: SessionStorage[] = [
  new EncryptedCookieStorage(generateKey()),
  new EncryptedCookieStorage([generateKey(), new Uint8Array(32)], { cacheSize: 0 }),
  new NaClCookieStorage(process.env.SESSION_KEY),
  new SimpleCookieStorage(),
]
void storages
expectType<Equal<ReturnType<typeof generateKey>, string>>()

// @ts-expect-error a key is a string or bytes
new NaClCookieStorage(42)
// @ts-expect-error cacheSize is a number
new EncryptedCookieStorage(generateKey(), { cacheSize: 'big' })

class MapStorage implements SessionStorage {
  readonly #records = new Map<string, StoredSession>()
  load(value: string): StoredSession | undefined { return this.#records.get(value) }
  save(session: StoredSession, current: string | undefined): string {
    const id = current ?? String(this.#records.size + 1)
    this.#records.set(id, session)
    return id
  }
  delete(value: string): void { this.#records.delete(value) }
}

class AsyncStorage implements SessionStorage {
  async load(_value: string): Promise<StoredSession | undefined> { return undefined }
  async save(_session: StoredSession): Promise<string> { return 'id' }
}

createApp({ session: { storage: new MapStorage() } })
createApp({ session: { storage: new AsyncStorage() } })

// @ts-expect-error save() returns the cookie value, a string
const badSave: SessionStorage = { load: () => undefined, save: () => 42 }
void badSave

function readStored(stored: StoredSession): number {
  // @ts-expect-error a stored session is read-only
  stored.created = 1
  return stored.created + (stored.accessed ?? 0) + (stored.maxAge ?? 0)
}
void readStored

// ---------------------------------------------------------------------------------------------------------------
// Options

const storage = new EncryptedCookieStorage(generateKey())
const options: SessionOptions = {
  storage,
  cookie: { name: 'sid', path: '/', domain: 'example.test', secure: 'auto', httpOnly: true, sameSite: 'strict' },
  maxAge: null,
  idleTimeout: 3600,
}
void options

// @ts-expect-error storage is required
const noStorage: SessionOptions = { maxAge: 60 }
void noStorage
// @ts-expect-error sameSite is lower case: 'lax', 'strict' or 'none'
createApp({ session: { storage, cookie: { sameSite: 'Lax' } } })
// @ts-expect-error secure is true, false or 'auto'
createApp({ session: { storage, cookie: { secure: 'yes' } } })
// @ts-expect-error maxAge is in seconds, a number (or null)
createApp({ session: { storage, maxAge: '7d' } })
// @ts-expect-error idleTimeout takes no null: leave it out for none
createApp({ session: { storage, idleTimeout: null } })
// @ts-expect-error a storage is a SessionStorage, not a key
createApp({ session: { storage: generateKey() } })
