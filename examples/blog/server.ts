// `npm start`: serves the blog example on PORT (default 3000; 0 picks a free port) and HOST (default
// 127.0.0.1). Sessions are encrypted cookies under SESSION_KEY (make one with `npm run keygen` here, `npx routechain keygen` where routechain is installed);
// without it a key is generated for this run only. With REDIS_CLUSTER or REDIS_URL they live in Redis instead
// (session-store.ts), which is how `npm run scale` runs a fleet of these. On SIGTERM it drains for DRAIN_MS
// (default 0) while GET /ready answers 503, then closes. Tracing: ROUTECHAIN_TRACE=1.
import { generateKey, RoutechainError } from '../../src/index.js'
import { serveExample } from '../shared/serve-example.js'
import { buildBlog } from './app.js'
import { redisFromEnv } from './session-store.js'

const storage = await redisFromEnv()
let sessionKey = process.env.SESSION_KEY
if (storage === undefined && (sessionKey === undefined || sessionKey.trim() === '')) {
  sessionKey = generateKey()
  console.warn([
    '',
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    '!!  WARNING: SESSION_KEY is not set. Using a key generated for this run only.',
    '!!  Sessions will NOT survive a restart: everyone is logged out when the',
    '!!  server stops, and several servers behind one address cannot share them.',
    '!!  Set a fixed key:  SESSION_KEY=$(npm run --silent keygen) npm start',
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    '',
  ].join('\n'))
}

let app: ReturnType<typeof buildBlog>
try {
  app = buildBlog(storage === undefined ? { sessionKey: sessionKey as string } : { storage })
} catch (error) {
  // a malformed SESSION_KEY: say what is wrong and how to make one, without a stack trace
  if (error instanceof RoutechainError) {
    console.error(`cannot start the blog: ${error.message}`)
    process.exit(1)
  }
  throw error
}

await serveExample(app, 'blog', (where) => [
  '  log in as alice / wonderland or bob / builder',
  `  curl ${where}/api/posts            the JSON API; its OpenAPI document: ${where}/api/openapi.json`,
])
