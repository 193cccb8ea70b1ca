// The package as users get it (#13): `npm pack`, checked with publint and @arethetypeswrong/cli, installed
// into a fresh strict NodeNext project, where the README's tour type-checks under TypeScript 5.9 and 7 and
// runs, `require()` loads it, and a stack trace maps to source files that are in the package.
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { tourProgram } from './tour.js'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../../', import.meta.url))
const ownPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }

interface Packed {
  readonly dir: string
  readonly tarball: string
  readonly project: string
}

let packed: Packed | undefined

/** Runs a command to completion, bounded in time; rejects with its output when it fails. */
async function sh(file: string, args: string[], cwd: string, timeout = 120_000): Promise<string> {
  try {
    const { stdout } = await run(file, args, { cwd, timeout, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } })
    return stdout
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(`${file} ${args.join(' ')} failed: ${failed.message}\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`)
  }
}

const npm = (args: string[], cwd: string): Promise<string> => sh('npm', ['--no-audit', '--no-fund', '--loglevel=error', ...args], cwd)

const pack = suite('the packed package')

pack.before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'routechain-packed-'))
  await npm(['pack', '--pack-destination', dir], root)
  const name = readdirSync(dir).find((file) => file.endsWith('.tgz'))
  if (name === undefined) throw new Error(`npm pack left no tarball in ${dir}`)
  const project = join(dir, 'app')
  packed = { dir, tarball: join(dir, name), project }
})

pack.after(() => {
  if (packed !== undefined) rmSync(packed.dir, { recursive: true, force: true })
})

const ready = (): Packed => {
  if (packed === undefined) throw new Error('npm pack did not run')
  return packed
}

pack('publint (strict) finds nothing to fix', async () => {
  const data = readFileSync(ready().tarball)
  const { messages, pkg } = await publint({ strict: true, pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer } })
  assert.is((pkg as { name?: string }).name, 'routechain', 'publint read the packed manifest')
  assert.equal(messages.map((message) => formatMessage(message, pkg)), [])
})

pack('@arethetypeswrong/cli finds no problem for ESM and bundler consumers', async () => {
  // cjs-resolves-to-esm: from CommonJS the package loads with require(esm), which engines.node (>=20.19)
  // guarantees; the tool, on its own TypeScript, still counts that as dynamic-import only. node10
  // resolution (no `exports`) is left out by the node16 profile: TypeScript 7 no longer has it.
  const cli = join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js')
  const report = JSON.parse(await sh(process.execPath, [cli, ready().tarball, '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'json'], root)) as {
    analysis: { entrypoints: Record<string, unknown> }
  }
  assert.equal(Object.keys(report.analysis.entrypoints).sort(), ['.', './client', './package.json'])
})

pack('ships the built code, its types, the sources its maps point at, and no tests', async () => {
  const listing = await sh('tar', ['-tzf', ready().tarball], root)
  const files = new Set(listing.split('\n').filter(Boolean).map((file) => file.replace(/^package\//, '')))
  for (const file of ['package.json', 'LICENSE', 'README.md', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'dist/client/index.js', 'src/index.ts', 'src/core/router.ts']) {
    assert.ok(files.has(file), `the package lacks ${file}`)
  }
  assert.equal([...files].filter((file) => /^(tests|bench|examples|\.build)\//.test(file)), [])
})

pack('installs into a fresh strict NodeNext project, where the README tour type-checks and runs', async () => {
  const { project, tarball } = ready()
  rmSync(project, { recursive: true, force: true })
  await sh('mkdir', ['-p', project], root)
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh', private: true, type: 'module' }))
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', outDir: 'out', types: ['node'] },
    include: ['*.ts'],
  }))
  await npm(['install', '--prefer-offline', tarball, `@types/node@${ownPackage.devDependencies['@types/node']}`], project)
  writeFileSync(join(project, 'tour.ts'), tourProgram(readFileSync(join(root, 'README.md'), 'utf8')))

  // 5.9 emits what runs; 7 must accept the same program (skipLibCheck is off: routechain's .d.ts are checked)
  await sh(process.execPath, [join(root, 'node_modules/typescript-7/bin/tsc'), '-p', project, '--noEmit'], project)
  await sh(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], project)
  const out = await sh(process.execPath, ['out/tour.js'], project, 30_000)
  assert.equal(JSON.parse(out), {
    withoutToken: { status: 401, body: 'unauthenticated' },
    reader: { status: 200, body: '{"id":"7","readBy":"rita"}' },
    readerWrites: { status: 403, body: 'forbidden' },
    writer: { status: 200, body: '{"saved":{"title":"hello"}}' },
    logged: ['GET /post/7', 'GET /post/7', 'POST /post/7', 'POST /post/7'],
  })
})

pack('loads with require() from CommonJS in that project', async () => {
  const script = 'const r = require("routechain"); const c = require("routechain/client"); process.stdout.write([typeof r.createApp, typeof c.createClient].join(","))'
  assert.is(await sh(process.execPath, ['--input-type=commonjs', '-e', script], ready().project), 'function,function')
})

pack('a stack trace from the package maps to a source file the package ships', async () => {
  const { project } = ready()
  const script = 'import("routechain").then((r) => { try { r.defineStep("", () => {}) } catch (e) { process.stdout.write(e.stack) } })'
  const stack = await sh(process.execPath, ['--enable-source-maps', '--input-type=commonjs', '-e', script], project)
  const frame = /\((\/[^()]*node_modules\/routechain\/src\/[^():]+\.ts):\d+:\d+\)/.exec(stack)
  assert.ok(frame, `no frame in the package's src/:\n${stack}`)
  assert.ok(existsSync(frame[1]!), `the stack points at ${frame[1]}, which is not there`)
})

pack.run()
