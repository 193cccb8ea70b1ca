// `npm run fuzz -- [--seconds N] [--seed S] [--requests MAX] [--write]`: fuzzes a routechain app running in a
// child process with random and mutated raw HTTP requests, prints the report, writes it to
// bench/results/fuzz.json with --write, and exits non-zero when the target crashed, answered an unexpected
// 5xx, accepted a tampered session cookie, or hung.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatReport, writeReport } from './report.js'
import { runFuzz, type FuzzOptions } from './runner.js'

/** The command line, read. */
export interface CliArgs {
  readonly seconds: number
  readonly seed: string | undefined
  readonly maxRequests: number | undefined
  readonly write: boolean
}

const USAGE = 'usage: npm run fuzz -- [--seconds N] [--seed S] [--requests MAX] [--write]'

function positive(flag: string, value: string | undefined): number {
  const number = Number(value)
  if (value === undefined || !Number.isFinite(number) || number <= 0) throw new Error(`${flag} takes a number above 0, got ${String(value)}\n${USAGE}`)
  return number
}

/** Reads `--seconds N`, `--seed S`, `--requests MAX` and `--write` (also as `--flag=value`); throws on anything else. */
export function parseArgs(argv: readonly string[]): CliArgs {
  let seconds = 10
  let seed: string | undefined
  let maxRequests: number | undefined
  let write = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const eq = arg.indexOf('=')
    const flag = eq === -1 ? arg : arg.slice(0, eq)
    const value = (): string | undefined => (eq === -1 ? argv[++i] : arg.slice(eq + 1))
    switch (flag) {
      case '--seconds': seconds = positive(flag, value()); break
      case '--requests': maxRequests = Math.floor(positive(flag, value())); break
      case '--seed': {
        seed = value()
        if (seed === undefined || seed === '') throw new Error(`--seed takes a value\n${USAGE}`)
        break
      }
      case '--write': write = true; break
      case '--help': case '-h': throw new Error(USAGE)
      default: throw new Error(`unknown argument ${JSON.stringify(arg)}\n${USAGE}`)
    }
  }
  return { seconds, seed, maxRequests, write }
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]
if (isMain) {
  let args: CliArgs
  try {
    args = parseArgs(process.argv.slice(2))
  } catch (error) {
    console.error((error as Error).message)
    process.exit(2)
  }
  const options: FuzzOptions = { seconds: args.seconds, seed: args.seed, maxRequests: args.maxRequests, log: (line) => console.log(`[fuzz] ${line}`) }
  console.log(`[fuzz] ${args.seconds} s${args.maxRequests === undefined ? '' : ` or ${args.maxRequests} requests`}, seed ${args.seed ?? '(random)'}`)
  const report = await runFuzz(options)
  console.log(formatReport(report))
  if (args.write) {
    const path = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'results', 'fuzz.json')
    writeReport(report, path)
    console.log(`[fuzz] wrote ${path}`)
  }
  process.exitCode = report.ok ? 0 : 1
}
