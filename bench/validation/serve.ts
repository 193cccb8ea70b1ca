// Child process entry: `node serve.js <validation contender index> <port>` serves one contender and prints `ready <port>`.
import { VALIDATION_CONTENDERS } from './contenders/index.js'

const contender = VALIDATION_CONTENDERS[Number(process.argv[2])]
if (contender === undefined) throw new Error(`no validation contender at index ${process.argv[2]}`)
const running = await contender.start(Number(process.argv[3] ?? 0))
process.stdout.write(`ready ${running.port}\n`)
process.on('SIGTERM', () => { void running.close().then(() => process.exit(0)) })
