// How the example servers start: listen on PORT and HOST, print the routes and how to use them, and close
// cleanly on SIGINT and SIGTERM, after serving DRAIN_MS more (default 0) while a ready() route answers 503.
import type { App } from '../../src/index.js'

/**
 * Listens on PORT (default 3000; 0 picks a free port) and HOST (default 127.0.0.1), prints the routes, a
 * "listening" line naming the example, and the hints made from the address; closes on SIGINT and SIGTERM,
 * draining for DRAIN_MS first (see `app.close({ drain })`).
 * @example await serveExample(app, 'blog', () => ['  log in as alice / wonderland'])
 */
export async function serveExample(app: App, name: string, hints: (where: string) => string[]): Promise<void> {
  const port = Number(process.env.PORT ?? 3000)
  const server = await app.listen({ port, host: process.env.HOST ?? '127.0.0.1' })
  const where = server.url
  app.printRoutes()
  console.log(`\nroutechain ${name} listening on ${where}`)
  for (const hint of hints(where)) console.log(hint)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`\n${signal}: closing…`)
      void app.close({ timeout: 5000, drain: Number(process.env.DRAIN_MS ?? 0) }).then(() => process.exit(0), (error: unknown) => {
        console.error('closing failed', error)
        process.exit(1)
      })
    })
  }
}
