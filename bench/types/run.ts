// `npm run bench:types`: how long TypeScript takes to check a generated app of 300 routes across 20 mounted routers
// (bench/types/generate.ts) with a call to every route, through the typed client and through the plain one,
// under each TypeScript the project supports (5.9 and 7). Each check runs ROUNDS times in turn and the
// median is kept; a check that reports any error (TS2589 above all) fails the run. Writes
// bench/results/types.{md,json}.
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateApp, type GeneratedShape } from './generate.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
const ROUNDS = 3
const SHAPE: GeneratedShape = { routers: 20, routesPerRouter: 15 }
const COMPILERS = {
  'TypeScript 5.9': 'node_modules/typescript/bin/tsc',
  'TypeScript 7': 'node_modules/typescript-7/bin/tsc',
} as const
const log = (line: string): void => console.log(`[types] ${line}`)

/** One check's result: wall time of the compiler process, in seconds, and the compiler's own version line. */
interface Check {
  readonly seconds: number
  readonly version: string
}

function check(tsc: string, project: string): Check {
  const started = process.hrtime.bigint()
  const run = spawnSync(process.execPath, [tsc, '-p', project, '--pretty', 'false'], { cwd: root, encoding: 'utf8', timeout: 600_000 })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (run.status !== 0) throw new Error(`${tsc} -p ${project} failed:\n${run.stdout}${run.stderr}`)
  const version = spawnSync(process.execPath, [tsc, '--version'], { cwd: root, encoding: 'utf8' }).stdout.trim()
  return { seconds, version }
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

const dir = join(root, '.build-types-bench')
rmSync(dir, { recursive: true, force: true })
const projects = generateApp(dir, join(root, 'src'), SHAPE)
const routes = SHAPE.routers * SHAPE.routesPerRouter
log(`generated ${routes} routes across ${SHAPE.routers} mounted routers in ${dir}`)

const rows: { compiler: string; version: string; plain: number; typed: number }[] = []
try {
  for (const [compiler, tsc] of Object.entries(COMPILERS)) {
    const plain: number[] = []
    const typed: number[] = []
    let version = ''
    for (let round = 0; round < ROUNDS; round++) {
      // in turn, so that a slow moment of the machine falls on both
      plain.push(check(tsc, projects.plain).seconds)
      const t = check(tsc, projects.typed)
      typed.push(t.seconds)
      version = t.version
      log(`${compiler} round ${round + 1}: plain client ${plain[round]?.toFixed(2)} s, typed client ${t.seconds.toFixed(2)} s`)
    }
    rows.push({ compiler, version, plain: median(plain), typed: median(typed) })
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}

const when = new Date().toISOString().slice(0, 10)
const md = [
  '# Type-check time of the typed client',
  '',
  `\`npm run bench:types\`, ${when}, Node ${process.version}. A generated app of ${routes} routes across ${SHAPE.routers}`,
  'mounted routers (bench/types/generate.ts: params, a step that adds a field, zod validation of params, query and',
  'bodies, describe() with declared responses, json() replies), and a caller of every route: once through',
  '`createClient<typeof app>()` with route patterns, once through the plain client with URLs. Wall time of `tsc -p`',
  `(no emit) for each, the median of ${ROUNDS} rounds taken in turn; both include checking the app and routechain's`,
  'sources. Every check passed: no TS2589 ("type instantiation is excessively deep") or any other error.',
  '',
  '| compiler | plain client | typed client | typed ÷ plain |',
  '| --- | --- | --- | --- |',
  ...rows.map((row) => `| ${row.compiler} (${row.version}) | ${row.plain.toFixed(2)} s | ${row.typed.toFixed(2)} s | ${(row.typed / row.plain).toFixed(2)} × |`),
  '',
].join('\n')
mkdirSync(join(root, 'bench', 'results'), { recursive: true })
writeFileSync(join(root, 'bench', 'results', 'types.md'), md)
writeFileSync(join(root, 'bench', 'results', 'types.json'), `${JSON.stringify({ date: when, node: process.version, shape: SHAPE, rounds: ROUNDS, rows }, null, 2)}\n`)
console.log(md)
