// `npm run bench:compare -- REF [--rounds N] [--seconds S]`: routechain as it is now against routechain at a git
// ref (a commit before a change), with raw node:http as the floor, on the HTTP benchmark's timed routes, in one
// run with paired rounds. What a change costs the routes that do not use it is the "now ÷ then" column: on this
// noisy machine two separate bench runs differ by more than most changes do, one paired run does not.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkAnswers } from './check.js'
import { cpuMicros, startServer, type Server } from './http.js'
import { load, type LoadResult } from './load.js'
import { TIMED, type Contender } from './spec.js'
import { median } from './stats.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name)
  if (at === -1) return fallback
  const value = Number(process.argv[at + 1])
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} takes a whole number from 1 up`)
  return value
}

const ref = process.argv[2]
if (ref === undefined || ref.startsWith('--')) throw new Error('usage: npm run bench:compare -- REF [--rounds N] [--seconds S] (REF: a commit, tag or branch)')
const rounds = option('--rounds', 10)
const seconds = option('--seconds', 4)
const log = (line: string): void => console.log(`[compare] ${line}`)

/** Builds `ref` into a temporary worktree sharing this checkout's node_modules; returns its folder. */
function buildAt(commit: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'routechain-compare-'))
  execFileSync('git', ['worktree', 'add', '--detach', '--force', dir, commit], { cwd: root, stdio: 'ignore' })
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'))
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--outDir', '.build'], { cwd: dir, stdio: 'inherit' })
  return dir
}

async function routechainIndex(build: string): Promise<number> {
  const { CONTENDERS } = await import(join(build, 'bench', 'contenders', 'index.js')) as { CONTENDERS: readonly Contender[] }
  const index = CONTENDERS.findIndex((c) => c.name === 'routechain')
  if (index === -1) throw new Error(`no "routechain" contender in ${build}`)
  return index
}

const then = buildAt(ref)
const servers: { name: string; server: Server; runs: LoadResult[][]; cpu: number[][] }[] = []
try {
  const nowBuild = join(root, '.build')
  const thenBuild = join(then, '.build')
  if (!existsSync(join(thenBuild, 'bench', 'serve.js'))) throw new Error(`${ref} has no bench/serve.ts to serve its routechain`)
  const entries = [
    { name: 'node:http (raw)', entry: join(nowBuild, 'bench', 'serve.js'), index: 0 },
    { name: `routechain at ${ref}`, entry: join(thenBuild, 'bench', 'serve.js'), index: await routechainIndex(thenBuild) },
    { name: 'routechain now', entry: join(nowBuild, 'bench', 'serve.js'), index: await routechainIndex(nowBuild) },
  ]
  for (const { name, entry, index } of entries) {
    const server = await startServer(index, entry)
    const wrong = await checkAnswers(server.port)
    if (wrong.length > 0) throw new Error(`${name} answers wrongly: ${wrong.join('; ')}`)
    servers.push({ name, server, runs: TIMED.map(() => []), cpu: TIMED.map(() => []) })
  }
  const run = (s: (typeof servers)[number], route: number, secs: number): Promise<LoadResult> => {
    const timed = TIMED[route] as (typeof TIMED)[number]
    return load({ url: `http://127.0.0.1:${s.server.port}${timed.path}`, headers: timed.headers, seconds: secs, connections: 64, cpu: 1 })
  }
  for (const s of servers) for (const route of TIMED.keys()) await run(s, route, 2)
  for (let round = 0; round < rounds; round++) {
    for (const route of TIMED.keys()) {
      for (const i of servers.keys()) {
        const s = servers[(i + round) % servers.length] as (typeof servers)[number]
        const before = cpuMicros(s.server.child.pid)
        const result = await run(s, route, seconds)
        s.runs[route]?.push(result)
        s.cpu[route]?.push((cpuMicros(s.server.child.pid) - before) / result.requests)
      }
    }
    log(`round ${round + 1}/${rounds}`)
  }
  const [raw, earlier] = servers as [(typeof servers)[number], (typeof servers)[number]]
  const paired = (mine: LoadResult[], base: LoadResult[]): number => median(mine.map((r, i) => r.rps / (base[i]?.rps ?? Number.NaN)))
  console.log(`\n${rounds} rounds × ${seconds} s, paired; the ratios are medians of the per-round ratios\n`)
  console.log('| route | contender | median req/s | ÷ raw | now ÷ then | server CPU µs/req |')
  console.log('| --- | --- | ---: | ---: | ---: | ---: |')
  for (const [route, timed] of TIMED.entries()) {
    for (const s of servers) {
      const runs = s.runs[route] ?? []
      const vsThen = s === raw ? '' : paired(runs, earlier.runs[route] ?? []).toFixed(3)
      console.log(`| ${timed.name} | ${s.name} | ${median(runs.map((r) => r.rps)).toFixed(0)} | ${paired(runs, raw.runs[route] ?? []).toFixed(3)} | ${vsThen} | ${median(s.cpu[route] ?? []).toFixed(2)} |`)
    }
  }
} finally {
  for (const s of servers) s.server.child.kill('SIGKILL')
  execFileSync('git', ['worktree', 'remove', '--force', then], { cwd: root, stdio: 'ignore' })
  rmSync(then, { recursive: true, force: true })
}
