// The secrets example: GitHub's secrets API in small. A client fetches the server's public key, seals a value
// to it, and PUTs it; the server opens it, keeps it in memory, lists names only, and uses values without ever
// sending them back. `server.ts` listens with it and the tests drive it.
import { createHash } from 'node:crypto'
import {
  bodyLimit, createApp, HttpError, openSealed, publishSealKey, type AppOptions, type SealKeyRing,
} from '../../src/index.js'
import { requireToken } from './auth.js'

/** A stored secret: the opened value and when it was first and last set. */
export interface StoredSecret {
  readonly value: string
  readonly createdAt: Date
  readonly updatedAt: Date
}

/** What {@link buildSecretsApp} takes: the keys, and any routechain app options. */
export interface SecretsAppOptions extends AppOptions {
  /** Opens what clients seal; its first key is the one published. */
  ring: SealKeyRing
  /** The bearer token clients must send to store, list and use secrets. */
  token: string
  /** Where the secrets are kept, by name. @default a new, empty Map */
  vault?: Map<string, StoredSecret>
}

// GitHub's rule: letters, digits and underscores, not starting with a digit
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/
// GitHub takes values up to 48 KiB: sealed (48 bytes more) and in base64 that is 65,600 characters, plus the
// JSON around it. 72 KiB leaves room for that and little more.
const BODY_LIMIT = 72 * 1024

/**
 * Builds the secrets app:
 * - `GET /secrets/public-key` → `{ key_id, key }`, the key to seal values to (public: anyone may seal);
 * - `PUT /secrets/:name` with `{ encrypted_value, key_id }` → 204, the value opened and kept;
 * - `GET /secrets` → `{ total_count, secrets: [{ name, created_at, updated_at }] }`, never a value;
 * - `POST /deploy` with `{ secret }` → uses the stored value and answers its length and a fingerprint.
 */
export function buildSecretsApp(options: SecretsAppOptions) {
  const { ring, token, vault = new Map<string, StoredSecret>(), ...appOptions } = options
  const authenticate = requireToken(token)
  const app = createApp(appOptions)

  app.get('/secrets/public-key', publishSealKey(ring))

  app.get('/secrets', authenticate, function listSecrets() {
    const secrets = [...vault].map(([name, secret]) => ({
      name, created_at: secret.createdAt.toISOString(), updated_at: secret.updatedAt.toISOString(),
    }))
    return { total_count: secrets.length, secrets }
  })

  // Sealed boxes are anonymous: the public key is public, so anyone can seal a value that opens here, and
  // opening it proves nothing about who sent it. Without `authenticate` any caller could overwrite any secret.
  // It runs before `openSealed`, so a stranger's body is never decrypted and gets no answer about it.
  app.put('/secrets/:name', authenticate, function checkName(req) {
    if (!SECRET_NAME.test(req.params.name)) throw new HttpError(422, 'a secret name is letters, digits and underscores, not starting with a digit')
  }, bodyLimit(BODY_LIMIT), openSealed(ring, ['encrypted_value']), function storeSecret(req) {
    const now = new Date()
    const createdAt = vault.get(req.params.name)?.createdAt ?? now
    vault.set(req.params.name, { value: req.sealed.encrypted_value, createdAt, updatedAt: now })
    return null
  })

  app.post('/deploy', authenticate, async function deploy(req) {
    const name = (await req.json<{ secret?: unknown } | null>())?.secret
    if (typeof name !== 'string') throw new HttpError(422, 'name the secret to deploy with: { "secret": "NAME" }')
    const secret = vault.get(name)
    if (secret === undefined) throw new HttpError(422, `no secret named "${name.slice(0, 100)}": PUT /secrets/${name.slice(0, 100)} first`)
    // A real deploy would hand the value to the target (an API token in a header, say) and answer what the
    // target said. Here the answer shows only that the right value was used. Even a hash tells a guesser when
    // a guess is right, so this fits random tokens, not passwords.
    const fingerprint = createHash('sha256').update(secret.value).digest('hex').slice(0, 16)
    return { deployed: true, secret: name, length: secret.value.length, sha256: fingerprint }
  })

  return app
}
