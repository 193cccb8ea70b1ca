// Serves the posts example on PORT (default 3000), with tracing available via ROUTECHAIN_TRACE=1.
import { serveExample } from '../shared/serve-example.js'
import { buildApp } from './app.js'

await serveExample(buildApp(), 'posts', (where) => [
  `  curl ${where}/post/1 -H 'authorization: Bearer reader'`,
  `  curl ${where}/onion`,
])
