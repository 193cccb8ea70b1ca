// Child process entry for bench/http.ts's startServer(): `node serve.js 0 <port>` serves the client part's ping
// target and prints `ready <port>` (there is one target, so the index is always 0).
import { startPingTarget } from './target.js'

if (process.argv[2] !== '0') throw new Error(`the client part has one target, index 0; got ${process.argv[2]}`)
const running = await startPingTarget(Number(process.argv[3] ?? 0))
process.stdout.write(`ready ${running.port}\n`)
process.on('SIGTERM', () => { void running.close().then(() => process.exit(0)) })
