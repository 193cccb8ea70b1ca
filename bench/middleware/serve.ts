// Child process entry: `node serve.js <middleware contender index> <port>` serves one contender and prints `ready <port>`.
import { MIDDLEWARE_CONTENDERS } from './contenders.js'

const contender = MIDDLEWARE_CONTENDERS[Number(process.argv[2])]
if (contender === undefined) throw new Error(`no middleware contender at index ${process.argv[2]}`)
const running = await contender.start(Number(process.argv[3] ?? 0))
process.stdout.write(`ready ${running.port}\n`)
process.on('SIGTERM', () => { void running.close().then(() => process.exit(0)) })
