// The typed client on an app the size of a real service: bench/types/generate.ts writes 300 routes across 20
// mounted routers and a typed call to every route, plus one call to a route the app does not have. Under every
// TypeScript the project supports, that one call must be the only error: no TS2589 ("type instantiation is
// excessively deep"), and the route table must still be read exactly, down to the last router's routes.
import { spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { generateApp } from '../../bench/types/generate.js'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const compilers = {
  'TypeScript 5.9': 'node_modules/typescript/bin/tsc',
  'TypeScript 7': 'node_modules/typescript-7/bin/tsc',
}
const shape = { routers: 20, routesPerRouter: 15 }

const generated = suite('typed client on a generated 300-route app')
let dir = ''
let project = ''

generated.before(() => {
  dir = join(root, `.build-types-test-${process.pid}`)
  const projects = generateApp(dir, join(root, 'src'), shape)
  writeFileSync(join(dir, 'mistake.ts'), [
    `import { createClient } from '../src/client/index.js'`,
    `import type { app } from './app.js'`,
    `const api = createClient<typeof app>({ baseUrl: 'http://127.0.0.1:3000' })`,
    // a path of the last router that exists, and one that does not
    `export const known = api.get('/r19/s14')`,
    `export const unknown = api.get('/r19/s15')`,
    '',
  ].join('\n'))
  project = join(dir, 'tsconfig.with-mistake.json')
  writeFileSync(project, JSON.stringify({ extends: './tsconfig.typed.json', include: ['with-typed-client.ts', 'mistake.ts'] }))
  assert.ok(projects.typed.endsWith('tsconfig.typed.json'))
})

generated.after(() => rmSync(dir, { recursive: true, force: true }))

for (const [name, tsc] of Object.entries(compilers)) {
  generated(`${name}: every route checks, and only the unknown route is an error`, () => {
    const run = spawnSync(process.execPath, [tsc, '-p', project, '--pretty', 'false'], { cwd: root, encoding: 'utf8', timeout: 300_000 })
    assert.is(run.stderr, '', `${name} wrote to stderr`)
    assert.not.match(run.stdout, 'TS2589', `${name} gave up on the route table`)
    const errors = run.stdout.split('\n').filter((line) => / error TS\d+: /.test(line))
    assert.is(errors.length, 1, `${name}: expected one error, got:\n${run.stdout}`)
    assert.match(errors[0]!, /mistake\.ts\(5,/)
    assert.match(errors[0]!, 'GET /r19/s15 is not a route of this app')
  })
}

generated.run()
