// `npm start`: serves the posts example on PORT (default 3000) with tracing available via ROUTECHAIN_TRACE=1.
import { buildApp } from './app.js'

const app = buildApp()
const port = Number(process.env.PORT ?? 3000)
const server = await app.listen({ port, host: process.env.HOST ?? '127.0.0.1' })
const address = server.address()
const where = typeof address === 'object' && address !== null ? `http://${address.address}:${address.port}` : String(address)
app.printRoutes()
console.log(`\nroutechain example listening on ${where}`)
console.log(`  curl ${where}/post/1 -H 'authorization: Bearer reader'`)
console.log(`  curl ${where}/onion`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close({ timeout: 5000 }).then(() => process.exit(0))
  })
}
