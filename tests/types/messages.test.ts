// The type errors users see: tests/types/messages/mistakes.ts holds mistakes, each under the words its error
// must contain. It is compiled with every TypeScript the project supports: 5.9 prints every overload's
// error, 7 only the last one's, so the overloads must be ordered for the useful message to come out.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const project = 'tests/types/messages/tsconfig.json'
const fixture = 'tests/types/messages/mistakes.ts'
const compilers = {
  'TypeScript 5.9': 'node_modules/typescript/bin/tsc',
  'TypeScript 7': 'node_modules/typescript-7/bin/tsc',
}

/** The line each `// error: words` comment applies to (the next one), with the words. */
function expectations(): Map<number, string> {
  const lines = readFileSync(`${root}${fixture}`, 'utf8').split('\n')
  const expected = new Map<number, string>()
  lines.forEach((line, index) => {
    const match = /^\s*\/\/ error: (.+)$/.exec(line)
    if (match) expected.set(index + 2, match[1]!)
  })
  return expected
}

/** Each diagnostic as its line and its whole text, continuation lines included. */
function diagnostics(output: string): { line: number; text: string }[] {
  const found: { line: number; text: string }[] = []
  for (const line of output.split('\n')) {
    const head = /^(.+?)\((\d+),\d+\): error TS\d+: /.exec(line)
    if (head) found.push({ line: Number(head[2]), text: line })
    else if (line.startsWith(' ') && found.length > 0) found[found.length - 1]!.text += `\n${line}`
    else if (line.trim() !== '') assert.unreachable(`not a diagnostic of the fixture: ${line}`)
  }
  return found
}

const messages = suite('type error messages')

for (const [name, tsc] of Object.entries(compilers)) {
  messages(`${name}: each mistake reports what is wrong, and nothing else fails`, () => {
    const run = spawnSync(process.execPath, [tsc, '-p', project, '--pretty', 'false'], { cwd: root, encoding: 'utf8' })
    assert.is(run.stderr, '', `${name} wrote to stderr`)
    const found = diagnostics(run.stdout)
    const expected = expectations()
    assert.ok(expected.size >= 6, 'the fixture lost its cases')
    for (const [line, words] of expected) {
      const here = found.filter((d) => d.line === line)
      assert.ok(here.length > 0, `${name}: no error on line ${line}, which expects "${words}"`)
      assert.ok(here.some((d) => d.text.includes(words)), `${name}, line ${line}: no "${words}" in\n${here.map((d) => d.text).join('\n')}`)
    }
    const stray = found.filter((d) => !expected.has(d.line))
    assert.equal(stray.map((d) => d.text), [], `${name}: errors on lines that expect none`)
    const noisy = found.filter((d) => d.text.includes('Partial<{}>'))
    assert.equal(noisy.map((d) => d.text), [], `${name}: a message shows Partial<{}>`)
  })
}

messages.run()
