// Serves the secrets example on PORT (default 3000; 0 picks a free port) and HOST (default 127.0.0.1):
//   npm run compile && node .build/examples/secrets/server.js
// Keys come from the environment (see keys.ts): SEAL_KEY, SEAL_OLD_KEY while rotating, and SECRETS_TOKEN.
import { RoutechainError } from '../../src/index.js'
import { serveExample } from '../shared/serve-example.js'
import { buildSecretsApp } from './app.js'
import { KeyConfigError, keysFromEnv } from './keys.js'

let app: ReturnType<typeof buildSecretsApp>
try {
  const { ring, token, warnings } = keysFromEnv(process.env)
  for (const warning of warnings) console.warn(warning)
  app = buildSecretsApp({ ring, token })
} catch (error) {
  // a malformed or missing key: say what is wrong, without a stack trace
  if (error instanceof RoutechainError || error instanceof KeyConfigError) {
    console.error(`cannot start the secrets example: ${error.message}`)
    process.exit(1)
  }
  throw error
}

await serveExample(app, 'secrets example', (where) => [
  `  store one:  printf %s 'hunter2' | SECRETS_URL=${where} SECRETS_TOKEN=… node .build/examples/secrets/client.js DEPLOY_TOKEN`,
])
