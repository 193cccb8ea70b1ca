// Stores a secret in a running secrets example server, sealed before it leaves this process:
//   printf %s 'hunter2' | SECRETS_TOKEN=… node .build/examples/secrets/client.js DEPLOY_TOKEN
// SECRETS_URL says where the server is (default http://127.0.0.1:3000). The value comes from stdin, not the
// command line, where `ps` and the shell history would keep it. It then lists the names and deploys with it.
import { ConnectionError, createClient, sealBodyFields, type ClientMiddleware } from '../../src/client/index.js'

const [name, ...extra] = process.argv.slice(2)
const token = process.env.SECRETS_TOKEN?.trim()
const baseUrl = process.env.SECRETS_URL ?? 'http://127.0.0.1:3000'
if (name === undefined || extra.length > 0 || token === undefined || token === '') {
  console.error('usage: printf %s VALUE | SECRETS_TOKEN=… [SECRETS_URL=http://127.0.0.1:3000] node .build/examples/secrets/client.js NAME')
  process.exit(2)
}

/** All of stdin as text, less one trailing newline (what `echo` adds). */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) console.error(`type the value of ${name}, then Ctrl-D:`)
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
}

/** A JSON body as it goes over the wire, with long (sealed) strings cut short. */
function shown(body: unknown): string {
  if (typeof body !== 'string') return ''
  return ' ' + body.replace(/"([A-Za-z0-9+/=]{24})[A-Za-z0-9+/=]+"/g, '"$1…"')
}

/** Prints each request this client sends, after sealing: so what it shows is what the server receives. */
const printRequests: ClientMiddleware = async (req, next) => {
  const res = await next(req)
  console.log(`${req.method} ${req.url.pathname}${shown(req.body)} → ${res.status}`)
  return res
}

const value = await readStdin()
if (value === '') {
  console.error(`no value for ${name} on stdin`)
  process.exit(2)
}

// sealBodyFields fetches the server's key (through printRequests, so it shows), seals encrypted_value to it and
// adds key_id; the token goes in every request's Authorization header. It comes first: the key URL is on the
// API's origin, and printRequests, after it, sees only sealed bodies.
const client = createClient({
  baseUrl,
  headers: { authorization: `Bearer ${token}` },
  middlewares: [sealBodyFields({ keyUrl: '/secrets/public-key', fields: ['encrypted_value'] }), printRequests],
})
try {
  const stored = await client.put(`/secrets/${encodeURIComponent(name)}`, { json: { encrypted_value: value } })
  if (stored.status !== 204) throw new Error(`storing ${name} failed: ${stored.status} ${await stored.text()}`)
  console.log(`stored ${name} (${value.length} characters, sealed to the server's key)`)

  const listed = await client.get('/secrets')
  const { secrets } = await listed.json<{ secrets: { name: string }[] }>()
  console.log(`the server holds: ${secrets.map((secret) => secret.name).join(', ')}`)

  const deployed = await client.post('/deploy', { json: { secret: name } })
  console.log(`deploy used it: ${await deployed.text()}`)
} catch (error) {
  const why = error instanceof ConnectionError ? `cannot reach ${baseUrl} (${error.reason}): is the server running?` : (error as Error).message
  console.error(why)
  process.exitCode = 1
} finally {
  await client.close()
}
