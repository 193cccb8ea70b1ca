// `npm start`: serves the blog example on PORT (default 3000; 0 picks a free port) and HOST (default
// 127.0.0.1). Sessions are encrypted cookies under SESSION_KEY (make one with `npm run keygen` here, `npx routechain keygen` where routechain is installed);
// without it a key is generated for this run only. Tracing: ROUTECHAIN_TRACE=1.
import { generateKey, RoutechainError } from '../../src/index.js'
import { buildBlog } from './app.js'

let sessionKey = process.env.SESSION_KEY
if (sessionKey === undefined || sessionKey.trim() === '') {
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
  app = buildBlog({ sessionKey })
} catch (error) {
  // a malformed SESSION_KEY: say what is wrong and how to make one, without a stack trace
  if (error instanceof RoutechainError) {
    console.error(`cannot start the blog: ${error.message}`)
    process.exit(1)
  }
  throw error
}

const port = Number(process.env.PORT ?? 3000)
const server = await app.listen({ port, host: process.env.HOST ?? '127.0.0.1' })
const address = server.address()
const where = typeof address === 'object' && address !== null ? `http://${address.address}:${address.port}` : String(address)
app.printRoutes()
console.log(`\nroutechain blog listening on ${where}`)
console.log('  log in as alice / wonderland or bob / builder')

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: closing…`)
    void app.close({ timeout: 5000 }).then(() => process.exit(0), (error: unknown) => {
      console.error('closing failed', error)
      process.exit(1)
    })
  })
}
