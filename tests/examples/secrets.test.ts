// The secrets example over real HTTP: a real client (createClient + sealBodyFields) against the app app.ts
// builds, the refusals (no token, tampered value, wrong key_id), key rotation across a restart, the keys read
// from the environment, and server.js and client.js run as processes.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildSecretsApp, type StoredSecret } from '../../examples/secrets/app.js'
import { KeyConfigError, keysFromEnv } from '../../examples/secrets/keys.js'
import { createClient, sealBodyFields, type Client, type ClientMiddleware } from '../../src/client/index.js'
import { generateKey, generateSealKeyPair, sealFields, SealKeyRing, type PublishedSealKey } from '../../src/index.js'
import { throwsConfig } from '../_helpers/assert.js'
import { recordingLogger } from '../_helpers/http.js'

const TOKEN = 'test-token-0123456789'
const AUTH = { authorization: `Bearer ${TOKEN}` }

/** One running secrets app on 127.0.0.1. */
interface Running {
  readonly url: string
  readonly port: number
  readonly vault: Map<string, StoredSecret>
  readonly logLines: string[]
  close(): Promise<void>
}

/** Builds the app from `env` as server.ts does (keysFromEnv) and listens on `port` (0: a free one). */
async function start(env: NodeJS.ProcessEnv, port = 0): Promise<Running> {
  const { ring, token } = keysFromEnv({ SECRETS_TOKEN: TOKEN, ...env })
  const vault = new Map<string, StoredSecret>()
  const { lines, logger } = recordingLogger()
  const app = buildSecretsApp({ ring, token, vault, logger })
  const server = await app.listen({ port, host: '127.0.0.1' })
  return { url: server.url, port: server.port, vault, logLines: lines, close: () => app.close({ timeout: 1000 }) }
}

/** What a client sent (after sealing) and what it got. */
interface Sent { method: string; path: string; body: unknown; status: number }

/** A client as the example's client.ts makes it, with a middleware inside sealBodyFields that records every request. */
function sealingClient(url: string, headers: Record<string, string> = AUTH): { client: Client; sent: Sent[] } {
  const sent: Sent[] = []
  const record: ClientMiddleware = async (req, next) => {
    const res = await next(req)
    let body: unknown = req.body
    try {
      if (typeof req.body === 'string') body = JSON.parse(req.body)
    } catch { /* not JSON: recorded as sent */ }
    sent.push({ method: req.method, path: req.url.pathname, body, status: res.status })
    return res
  }
  const client = createClient({
    baseUrl: url,
    headers,
    middlewares: [sealBodyFields({ keyUrl: '/secrets/public-key', fields: ['encrypted_value'] }), record],
  })
  return { client, sent }
}

/** A client with no middlewares, for bodies sealed (or spoilt) by hand. */
const plainClient = (url: string): Client => createClient({ baseUrl: url, headers: AUTH })

const sha16 = (value: string): string => createHash('sha256').update(value).digest('hex').slice(0, 16)
const steps = (sent: Sent[]): string[] => sent.map((s) => `${s.method} ${s.path} ${s.status}`)
const keyIdOf = (sent: Sent | undefined): unknown => (sent?.body as { key_id?: unknown } | undefined)?.key_id

async function publishedKey(url: string): Promise<PublishedSealKey> {
  const client = createClient()
  try {
    return await (await client.get(`${url}/secrets/public-key`)).json<PublishedSealKey>()
  } finally {
    await client.close()
  }
}

async function names(client: Client): Promise<string[]> {
  const res = await client.get('/secrets')
  assert.is(res.status, 200)
  const { total_count, secrets } = await res.json<{ total_count: number; secrets: { name: string }[] }>()
  assert.is(total_count, secrets.length)
  return secrets.map((secret) => secret.name)
}

// ---- the flow

const flow = suite<{ running?: Running; pair?: ReturnType<typeof generateSealKeyPair> }>('examples/secrets: the flow')

flow.before.each(async (context) => {
  context.pair = generateSealKeyPair()
  context.running = await start({ SEAL_KEY: context.pair.secretKey })
})
flow.after.each(async (context) => {
  await context.running?.close()
})

flow('fetch the key, store a sealed secret, list names without values, deploy with it', async ({ running, pair }) => {
  const { url, vault, logLines } = running!
  const published = await publishedKey(url)
  assert.equal(published, { key_id: pair!.keyId, key: pair!.publicKey }, 'GET /secrets/public-key answers { key_id, key }')

  const { client, sent } = sealingClient(url)
  try {
    const value = 'ghp_s3cr3t-deploy-token'
    const stored = await client.put('/secrets/DEPLOY_TOKEN', { json: { encrypted_value: value } })
    assert.is(stored.status, 204)
    assert.is(await stored.text(), '')
    assert.equal(steps(sent), ['GET /secrets/public-key 200', 'PUT /secrets/DEPLOY_TOKEN 204'], 'the key is fetched first')

    // what went over the wire: sealed to the published key, with its id, and no plaintext
    const wire = sent[1]?.body as { encrypted_value: string; key_id: string }
    assert.equal(Object.keys(wire).sort(), ['encrypted_value', 'key_id'])
    assert.is(wire.key_id, pair!.keyId)
    assert.is(Buffer.from(wire.encrypted_value, 'base64').length, value.length + 48, 'a sealed box: ephemeral key + MAC + value')
    assert.not.match(JSON.stringify(wire), value)
    assert.is(vault.get('DEPLOY_TOKEN')?.value, value, 'the server opened it')

    // a second secret reuses the cached key; storing one again updates it
    assert.is((await client.put('/secrets/NPM_TOKEN', { json: { encrypted_value: 'npm_abc' } })).status, 204)
    assert.is((await client.put('/secrets/DEPLOY_TOKEN', { json: { encrypted_value: `${value}-2` } })).status, 204)
    assert.is(sent.filter((s) => s.path === '/secrets/public-key').length, 1, 'one key fetch for three PUTs')
    const deployToken = vault.get('DEPLOY_TOKEN')!
    assert.is(deployToken.value, `${value}-2`)
    assert.ok(deployToken.updatedAt >= deployToken.createdAt)

    // the list names secrets and never holds a value
    const list = await client.get('/secrets')
    const listed = await list.text()
    assert.equal(JSON.parse(listed).secrets.map((s: { name: string }) => s.name), ['DEPLOY_TOKEN', 'NPM_TOKEN'])
    assert.equal(Object.keys(JSON.parse(listed).secrets[0]).sort(), ['created_at', 'name', 'updated_at'])
    assert.not.match(listed, value)
    assert.not.match(listed, 'npm_abc')

    // deploy uses the stored value: its length and fingerprint match, the value itself is not in the answer
    const deploy = await client.post('/deploy', { json: { secret: 'DEPLOY_TOKEN' } })
    assert.is(deploy.status, 200)
    const answer = await deploy.text()
    assert.equal(JSON.parse(answer), { deployed: true, secret: 'DEPLOY_TOKEN', length: value.length + 2, sha256: sha16(`${value}-2`) })
    assert.not.match(answer, value)

    // no route reads a value back, and nothing logged one
    assert.is((await client.get('/secrets/DEPLOY_TOKEN')).status, 405)
    assert.not.ok(logLines.some((line) => line.includes(value) || line.includes('npm_abc')), logLines.join('\n'))
  } finally {
    await client.close()
  }
})

flow('without the right token: 401, nothing stored, and the body is never opened', async ({ running }) => {
  const { url, vault } = running!
  for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { authorization: TOKEN }, { authorization: `Basic ${TOKEN}` }]) {
    const { client, sent } = sealingClient(url, headers)
    try {
      const res = await client.put('/secrets/DEPLOY_TOKEN', { json: { encrypted_value: 'sneaky' } })
      assert.is(res.status, 401, JSON.stringify(headers))
      assert.is(res.header('www-authenticate'), 'Bearer realm="secrets"')
      assert.equal(steps(sent), ['GET /secrets/public-key 200', 'PUT /secrets/DEPLOY_TOKEN 401'], 'the public key is public; storing is not')
      assert.is((await client.get('/secrets')).status, 401)
      assert.is((await client.post('/deploy', { json: { secret: 'DEPLOY_TOKEN' } })).status, 401)
    } finally {
      await client.close()
    }
  }
  assert.is(vault.size, 0)

  // authentication comes before openSealed: a stranger's garbage gets 401, not 400 saying what is wrong with it
  const stranger = createClient({ baseUrl: url })
  try {
    const res = await stranger.put('/secrets/X', { json: { encrypted_value: 'not sealed', key_id: 'nope' } })
    assert.is(res.status, 401)
    assert.not.match(await res.text(), 'key_id')
  } finally {
    await stranger.close()
  }
  const client = plainClient(url)
  try {
    assert.equal(await names(client), [], 'the owner of the token sees nothing stored')
  } finally {
    await client.close()
  }
})

flow('a tampered encrypted_value: 400, nothing stored', async ({ running }) => {
  const { url, vault } = running!
  const key = await publishedKey(url)
  const client = plainClient(url)
  try {
    const body = sealFields({ encrypted_value: 'hunter2' }, ['encrypted_value'], key) as { encrypted_value: string; key_id: string }
    const box = Buffer.from(body.encrypted_value, 'base64')
    for (const at of [0, 40, box.length - 1]) { // the ephemeral key, the MAC, the ciphertext
      const spoilt = Buffer.from(box)
      spoilt.writeUInt8((spoilt[at] as number) ^ 1, at)
      const res = await client.put('/secrets/TAMPERED', { json: { ...body, encrypted_value: spoilt.toString('base64') } })
      assert.is(res.status, 400, `byte ${at}`)
      assert.match(await res.text(), 'sealed field "encrypted_value": does not open with this key')
    }
    for (const [encrypted_value, why] of [['not base64!', 'not base64'], [box.subarray(0, 40).toString('base64'), 'too short'], [12, 'missing or not a base64 string']] as const) {
      const res = await client.put('/secrets/TAMPERED', { json: { ...body, encrypted_value } })
      assert.is(res.status, 400)
      assert.match(await res.text(), why)
    }
    assert.is(vault.size, 0)
    assert.equal(await names(client), [])
    // the untouched body opens
    assert.is((await client.put('/secrets/TAMPERED', { json: body })).status, 204)
    assert.is(vault.get('TAMPERED')?.value, 'hunter2')
  } finally {
    await client.close()
  }
})

flow('a wrong key_id: 400, nothing stored', async ({ running }) => {
  const { url, vault } = running!
  const key = await publishedKey(url)
  const other = generateSealKeyPair()
  const client = plainClient(url)
  try {
    const body = sealFields({ encrypted_value: 'hunter2' }, ['encrypted_value'], key)
    const unknown = await client.put('/secrets/WRONG', { json: { ...body, key_id: 'not-a-key-id' } })
    assert.is(unknown.status, 400)
    assert.match(await unknown.text(), 'unknown key_id "not-a-key-id": fetch the current public key and seal again')
    const missing = await client.put('/secrets/WRONG', { json: { encrypted_value: body.encrypted_value } })
    assert.is(missing.status, 400)
    assert.match(await missing.text(), 'no key_id')
    // sealed to another key but labelled with the server's id
    const mislabelled = sealFields({ encrypted_value: 'hunter2' }, ['encrypted_value'], { key_id: key.key_id, key: other.publicKey })
    const res = await client.put('/secrets/WRONG', { json: mislabelled })
    assert.is(res.status, 400)
    assert.match(await res.text(), 'does not open with this key')
    assert.is(vault.size, 0)
  } finally {
    await client.close()
  }
})

flow('a secret as large as GitHub takes (48 KiB) fits the body limit, sealed (#8 review)', async ({ running }) => {
  const { url, vault } = running!
  const { client, sent } = sealingClient(url)
  try {
    const value = 'x'.repeat(48 * 1024)
    const res = await client.put('/secrets/LARGEST', { json: { encrypted_value: value } })
    assert.is(res.status, 204, await res.text())
    const wire = sent[1]?.body as { encrypted_value: string }
    assert.is(wire.encrypted_value.length, 65_600, 'GitHub\'s largest value, sealed, in base64')
    assert.is(vault.get('LARGEST')?.value, value)
  } finally {
    await client.close()
  }
})

flow('a bad name is refused before opening; deploy needs a stored secret', async ({ running }) => {
  const { url, vault } = running!
  const client = plainClient(url)
  try {
    for (const name of ['1ST', 'public-key', 'A%20B', 'A-B']) {
      const res = await client.put(`/secrets/${name}`, { json: { encrypted_value: 'garbage', key_id: 'garbage' } })
      assert.is(res.status, 422, name)
      assert.match(await res.text(), 'a secret name is letters, digits and underscores')
    }
    // past 100 characters the router's maxParamLength answers first
    assert.is((await client.put(`/secrets/${'X'.repeat(101)}`, { json: {} })).status, 404)
    const tooBig = await client.put('/secrets/BIG', { json: { encrypted_value: 'A'.repeat(72 * 1024), key_id: 'x' } })
    assert.is(tooBig.status, 413)
    const unknown = await client.post('/deploy', { json: { secret: 'NOPE' } })
    assert.is(unknown.status, 422)
    assert.match(await unknown.text(), 'no secret named "NOPE"')
    for (const body of [{}, null, [], { secret: 7 }]) assert.is((await client.post('/deploy', { json: body })).status, 422, JSON.stringify(body))
    assert.is(vault.size, 0)
  } finally {
    await client.close()
  }
})

flow.run()

// ---- rotation across a restart on the same port, with the client's cached key

const rotation = suite('examples/secrets: key rotation')

/** Stores FIRST against SEAL_KEY=old, then restarts the server on the same port with `env(old, fresh)`. */
async function restartWith(env: (old: string, fresh: string) => NodeJS.ProcessEnv) {
  const old = generateSealKeyPair()
  const fresh = generateSealKeyPair()
  const before = await start({ SEAL_KEY: old.secretKey })
  const { client, sent } = sealingClient(before.url)
  assert.is((await client.put('/secrets/FIRST', { json: { encrypted_value: 'one' } })).status, 204)
  assert.is(keyIdOf(sent[1]), old.keyId)
  await before.close()
  const after = await start(env(old.secretKey, fresh.secretKey), before.port)
  assert.is((await publishedKey(after.url)).key_id, fresh.keyId, 'the new key is the one published')
  sent.length = 0
  return { old, fresh, after, client, sent }
}

rotation('SEAL_OLD_KEY still opens what the client seals with its cached old key: no refetch', async () => {
  const { old, after, client, sent } = await restartWith((oldKey, freshKey) => ({ SEAL_KEY: freshKey, SEAL_OLD_KEY: oldKey }))
  try {
    const res = await client.put('/secrets/SECOND', { json: { encrypted_value: 'two' } })
    assert.is(res.status, 204)
    assert.equal(steps(sent), ['PUT /secrets/SECOND 204'], 'sealed with the cached key, opened by the old key in the ring')
    assert.is(keyIdOf(sent[0]), old.keyId)
    assert.is(after.vault.get('SECOND')?.value, 'two')
  } finally {
    await client.close()
    await after.close()
  }
})

rotation('old key dropped: the cached key gets 400, the client fetches the new key and sends again', async () => {
  const { old, fresh, after, client, sent } = await restartWith((_oldKey, freshKey) => ({ SEAL_KEY: freshKey }))
  try {
    const res = await client.put('/secrets/SECOND', { json: { encrypted_value: 'two' } })
    assert.is(res.status, 204)
    assert.equal(steps(sent), ['PUT /secrets/SECOND 400', 'GET /secrets/public-key 200', 'PUT /secrets/SECOND 204'], 'the 400 said x-sealed-key: unknown')
    assert.is(keyIdOf(sent[0]), old.keyId)
    assert.is(keyIdOf(sent[2]), fresh.keyId)
    assert.is(after.vault.get('SECOND')?.value, 'two')
    // from then on the new key is cached
    sent.length = 0
    assert.is((await client.put('/secrets/THIRD', { json: { encrypted_value: 'three' } })).status, 204)
    assert.equal(steps(sent), ['PUT /secrets/THIRD 204'])
    assert.is(keyIdOf(sent[0]), fresh.keyId)
  } finally {
    await client.close()
    await after.close()
  }
})

rotation('a 400 that is not about the key is returned as it is, without a look at the key (#8 review)', async () => {
  const running = await start({ SEAL_KEY: generateSealKeyPair().secretKey })
  const { client, sent } = sealingClient(running.url)
  // a middleware inside sealBodyFields that spoils the sealed value once: the server answers 400 with the key current
  let spoil = false
  const spoiler: ClientMiddleware = (req, next) => {
    if (!spoil || typeof req.body !== 'string') return next(req)
    spoil = false
    return next({ ...req, body: req.body.replace(/"encrypted_value":"(.)/, (_all, c: string) => `"encrypted_value":"${c === 'A' ? 'B' : 'A'}`) })
  }
  const spoiling = createClient({ baseUrl: running.url, headers: AUTH, middlewares: [...client.middlewares, spoiler] })
  try {
    assert.is((await spoiling.put('/secrets/A', { json: { encrypted_value: 'a' } })).status, 204)
    sent.length = 0
    spoil = true
    const res = await spoiling.put('/secrets/B', { json: { encrypted_value: 'b' } })
    assert.is(res.status, 400)
    assert.match(await res.text(), 'does not open')
    assert.is(res.header('x-sealed-key'), undefined)
    assert.equal(steps(sent), ['PUT /secrets/B 400'], 'the key is known: no second look, not sent again')
    // a body that is not JSON is not sealed, and its 400 sends nothing more
    sent.length = 0
    const bad = await spoiling.put('/secrets/C', { body: '{"encrypted_value":"c"', headers: { 'content-type': 'application/json' } })
    assert.is(bad.status, 400)
    assert.equal(steps(sent), ['PUT /secrets/C 400'])
    assert.equal([...running.vault.keys()], ['A'])
  } finally {
    await spoiling.close()
    await client.close()
    await running.close()
  }
})

rotation.run()

// ---- the keys from the environment

const env = suite('examples/secrets: keys from the environment')

env('SEAL_KEY and SECRETS_TOKEN given: no warnings; SEAL_OLD_KEY joins the ring after it', () => {
  const current = generateSealKeyPair()
  const old = generateSealKeyPair()
  const one = keysFromEnv({ SEAL_KEY: current.secretKey, SECRETS_TOKEN: ' t0ken ' })
  assert.equal(one.ring.keyIds(), [current.keyId])
  assert.is(one.token, 't0ken')
  assert.equal(one.warnings, [])
  const two = keysFromEnv({ SEAL_KEY: current.secretKey, SEAL_OLD_KEY: old.secretKey, SECRETS_TOKEN: 't' })
  assert.equal(two.ring.keyIds(), [current.keyId, old.keyId])
  assert.is(two.ring.published().key_id, current.keyId)
  // the repository's keygen (32 random bytes) makes a sealing key too
  assert.is(keysFromEnv({ SEAL_KEY: generateKey(), SECRETS_TOKEN: 't' }).ring.keyIds().length, 1)
})

env('missing or blank: a key pair and a token for this run, each with a warning', () => {
  const keys = keysFromEnv({ SEAL_KEY: '  ', SEAL_OLD_KEY: '' })
  assert.is(keys.ring.keyIds().length, 1)
  assert.is(keys.warnings.length, 2)
  assert.match(keys.warnings[0] as string, 'WARNING: SEAL_KEY is not set')
  assert.match(keys.warnings[1] as string, `SECRETS_TOKEN=${keys.token}`)
  assert.ok(keys.token.length >= 32)
  assert.is.not(keysFromEnv({}).ring.published().key_id, keys.ring.published().key_id, 'a new pair each run')
})

env('refused: SEAL_OLD_KEY without SEAL_KEY, a malformed key, the same key twice', () => {
  const pair = generateSealKeyPair()
  assert.throws(() => keysFromEnv({ SEAL_OLD_KEY: pair.secretKey }), (error: unknown) => error instanceof KeyConfigError && /SEAL_KEY is not/.test(error.message))
  throwsConfig(() => keysFromEnv({ SEAL_KEY: 'not a key' }), /not base64/)
  throwsConfig(() => keysFromEnv({ SEAL_KEY: pair.secretKey, SEAL_OLD_KEY: Buffer.alloc(16).toString('base64') }), /16 bytes, not 32/)
  throwsConfig(() => keysFromEnv({ SEAL_KEY: pair.secretKey, SEAL_OLD_KEY: pair.secretKey }), /two keys share the id/)
  assert.instance(new SealKeyRing(pair.secretKey), SealKeyRing)
})

env.run()

// ---- server.js and client.js as a developer runs them

const processes = suite('examples/secrets: server.js and client.js')

const here = (file: string): string => fileURLToPath(new URL(`../../examples/secrets/${file}`, import.meta.url))

/** This process's environment without the example's variables. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (!['SEAL_KEY', 'SEAL_OLD_KEY', 'SECRETS_TOKEN', 'SECRETS_URL', 'PORT', 'HOST'].includes(name)) env[name] = value
  }
  return { ...env, ...extra }
}

/** Runs a script to its end, with `input` on stdin. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [here(file), ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
    child.stdin.end(input)
  })
}

processes('server.js without keys warns and prints a token; client.js stores, lists and deploys with it', async () => {
  const server = spawn(process.execPath, [here('server.js')], { env: cleanEnv({ PORT: '0' }), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  server.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)))
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server.js did not start; stderr:\n${stderr}`)), 10_000)
      server.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk
        const found = /listening on (http:\/\/\S+)/.exec(stdout)?.[1]
        if (found !== undefined) {
          clearTimeout(timer)
          resolve(found)
        }
      })
      void exited.then((code) => reject(new Error(`server.js exited (${code}); stderr:\n${stderr}`)))
    })
    assert.match(stderr, 'WARNING: SEAL_KEY is not set')
    const token = /SECRETS_TOKEN=(\S+)/.exec(stderr)?.[1]
    assert.ok(token !== undefined, stderr)
    assert.match(stdout, /PUT\s+\/secrets\/:name/, 'the routes are printed')

    const value = 'hunter2-from-stdin'
    const client = await run('client.js', ['DEPLOY_TOKEN'], cleanEnv({ SECRETS_URL: url, SECRETS_TOKEN: token }), `${value}\n`)
    assert.is(client.code, 0, client.stderr)
    const lines = client.stdout.trim().split('\n')
    assert.match(lines[0] as string, /^GET \/secrets\/public-key → 200$/)
    assert.match(lines[1] as string, /^PUT \/secrets\/DEPLOY_TOKEN \{"encrypted_value":"[A-Za-z0-9+/=]{24}…","key_id":"[0-9a-f]{16}"\} → 204$/)
    assert.match(client.stdout, `stored DEPLOY_TOKEN (${value.length} characters, sealed to the server's key)`)
    assert.match(client.stdout, 'the server holds: DEPLOY_TOKEN')
    assert.match(client.stdout, `"sha256":"${sha16(value)}"`, 'the trailing newline from stdin was dropped')
    assert.not.match(client.stdout + stdout + stderr, value)

    const refused = await run('client.js', ['OTHER'], cleanEnv({ SECRETS_URL: url, SECRETS_TOKEN: 'wrong' }), 'x')
    assert.is(refused.code, 1)
    assert.match(refused.stderr, 'storing OTHER failed: 401')
  } finally {
    server.kill('SIGTERM')
  }
  assert.is(await exited, 0, 'SIGTERM closes it cleanly')
})

processes('server.js refuses a malformed key in one line; client.js explains what it needs', async () => {
  const bad = await run('server.js', [], cleanEnv({ PORT: '0', SEAL_KEY: 'not-a-key!' }))
  assert.is(bad.code, 1)
  assert.match(bad.stderr, /^cannot start the secrets example: SealKeyRing: the key is not base64/)
  assert.not.match(bad.stderr, '    at ', 'no stack trace')
  const orphan = await run('server.js', [], cleanEnv({ PORT: '0', SEAL_OLD_KEY: generateSealKeyPair().secretKey }))
  assert.is(orphan.code, 1)
  assert.match(orphan.stderr, 'SEAL_OLD_KEY is set but SEAL_KEY is not')

  const usage = await run('client.js', [], cleanEnv())
  assert.is(usage.code, 2)
  assert.match(usage.stderr, 'usage:')
  const down = await run('client.js', ['X'], cleanEnv({ SECRETS_URL: 'http://127.0.0.1:9', SECRETS_TOKEN: 't' }), 'v')
  assert.is(down.code, 1)
  assert.match(down.stderr, 'cannot reach http://127.0.0.1:9 (ECONNREFUSED): is the server running?')
})

processes.run()
