// routechain is ESM; CommonJS code loads it with require() on Node 20.19 and later, where require(esm) is on by
// default (#13). Runs a CommonJS child against the compiled entry points.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'

const entry = (path: string): string => fileURLToPath(new URL(`../../src/${path}`, import.meta.url))

const commonjs = suite('require() from CommonJS')

commonjs('loads routechain and routechain/client', () => {
  const script = `const r = require(${JSON.stringify(entry('index.js'))}); const c = require(${JSON.stringify(entry('client/index.js'))});` +
    'process.stdout.write([typeof r.createApp, typeof r.Router, typeof c.createClient].join(","))'
  const child = spawnSync(process.execPath, ['--input-type=commonjs', '-e', script], { encoding: 'utf8', timeout: 20_000 })
  assert.is(child.status, 0, child.stderr)
  assert.is(child.stdout, 'function,function,function')
})

commonjs.run()
