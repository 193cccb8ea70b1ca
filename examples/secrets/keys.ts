// The secrets example's keys, read from the environment: the sealing key ring (SEAL_KEY, and SEAL_OLD_KEY while
// rotating) and the API token clients authenticate with (SECRETS_TOKEN). Missing ones are generated for the
// run, with a warning; inconsistent ones are refused.
import { randomBytes } from 'node:crypto'
import { generateSealKeyPair, SealKeyRing } from '../../src/index.js'

/** What the server needs from its environment. */
export interface SecretsKeys {
  /** Opens sealed values: SEAL_KEY first (the published key), then SEAL_OLD_KEY if set. */
  readonly ring: SealKeyRing
  /** The bearer token a client must send to store, list or use secrets. */
  readonly token: string
  /** One message per key that was generated for this run only; print them. */
  readonly warnings: readonly string[]
}

/** The environment holds keys that do not fit together; `server.ts` prints the message and exits. */
export class KeyConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'KeyConfigError'
  }
}

function banner(lines: readonly string[]): string {
  const rule = '!'.repeat(80)
  return ['', rule, ...lines.map((line) => `!!  ${line}`), rule, ''].join('\n')
}

/** The variable's value, or `undefined` when it is unset or blank. */
function variable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]
  return value === undefined || value.trim() === '' ? undefined : value
}

/**
 * Reads the keys from `env`. Without SEAL_KEY a key pair is generated for this run only, and without
 * SECRETS_TOKEN a token is (and printed, so a developer can use it); each adds a warning. A malformed key
 * throws routechain's `ERR_ROUTECHAIN_CONFIG` error, and SEAL_OLD_KEY without SEAL_KEY throws {@link KeyConfigError}.
 *
 * @example
 * const { ring, token, warnings } = keysFromEnv(process.env)   // SEAL_KEY=… SEAL_OLD_KEY=… SECRETS_TOKEN=…
 */
export function keysFromEnv(env: NodeJS.ProcessEnv): SecretsKeys {
  const warnings: string[] = []
  let current = variable(env, 'SEAL_KEY')
  const old = variable(env, 'SEAL_OLD_KEY')
  if (current === undefined) {
    // rotating away from a key needs the new one to rotate to: a generated key would silently lose it at restart
    if (old !== undefined) throw new KeyConfigError('SEAL_OLD_KEY is set but SEAL_KEY is not: set SEAL_KEY to the new key, SEAL_OLD_KEY to the one it replaces')
    current = generateSealKeyPair().secretKey
    warnings.push(banner([
      'WARNING: SEAL_KEY is not set. Using a key pair generated for this run only.',
      'After a restart clients must fetch the new public key (what they sealed to the',
      'old one no longer opens), and several servers cannot share it. Set a fixed key:',
      '  SEAL_KEY=$(node .build/src/cli.js keygen) node .build/examples/secrets/server.js',
    ]))
  }
  const ring = new SealKeyRing(old === undefined ? [current] : [current, old])

  let token = variable(env, 'SECRETS_TOKEN')
  if (token === undefined) {
    token = randomBytes(24).toString('base64url')
    warnings.push(banner([
      'WARNING: SECRETS_TOKEN is not set. Clients must send this token, made for this run only:',
      `  SECRETS_TOKEN=${token}`,
    ]))
  }
  return { ring, token: token.trim(), warnings }
}
