// Child process entry: `node serve.js <session contender index> <port>` serves one contender and prints `ready <port>`;
// a contender that needs Redis finds its URL in $ROUTECHAIN_BENCH_REDIS_URL.
import { SESSION_CONTENDERS } from './contenders/index.js'
import { REDIS_URL_ENV } from './spec.js'

const contender = SESSION_CONTENDERS[Number(process.argv[2])]
if (contender === undefined) throw new Error(`no session contender at index ${process.argv[2]}`)
const running = await contender.start(Number(process.argv[3] ?? 0), { redisUrl: process.env[REDIS_URL_ENV] })
process.stdout.write(`ready ${running.port}\n`)
process.on('SIGTERM', () => { void running.close().then(() => process.exit(0)) })
