// Runs every compiled test file with uvu and ends with one plain summary line ("N passed, N failed, N skipped").
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const testsDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const uvuEntry = createRequire(import.meta.url).resolve('uvu') // …/node_modules/uvu/dist/index.js
const uvuBin = join(dirname(uvuEntry), '..', 'bin.js')
// an argument picks test files by a part of their path; only compiled test files ever match
const pattern = process.argv[2] === undefined ? '\\.test\\.js$' : `^(?=.*(?:${process.argv[2]})).*\\.test\\.js$`

const child = spawn(process.execPath, ['--enable-source-maps', uvuBin, testsDir, pattern], { stdio: ['ignore', 'pipe', 'inherit'] })
let output = ''
child.stdout.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk)
  output += chunk.toString()
})
child.on('close', (code) => {
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '')
  const count = (label: string): number => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(plain)?.[1] ?? 0)
  const total = count('Total')
  const passed = count('Passed')
  const skipped = count('Skipped')
  console.log(`\n${passed} passed, ${total - passed} failed, ${skipped} skipped`)
  process.exitCode = code === 0 && total > 0 ? 0 : 1
})
