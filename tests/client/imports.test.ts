// routechain/client shares the chain runner with the server and nothing else of it (issue #12): what the
// client entry loads at run time, followed through every value import of the source.
import { readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

/** Every source file a module loads at run time: `import type` and `import { type … }`-only lines load nothing. */
function loadedFrom(entry: string): Set<string> {
  const seen = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const source = readFileSync(join(root, file), 'utf8')
    for (const match of source.matchAll(/^(?:import|export)\s+(type\s+)?(?:\{([^}]*)\}|\*(?:\s+as\s+\w+)?|\w+)?\s*(?:from\s+)?'(\.{1,2}\/[^']+)\.js'/gm)) {
      const [, typeOnly, names, spec] = match
      if (typeOnly !== undefined) continue
      if (names !== undefined && names.split(',').every((name) => name.trim() === '' || name.trim().startsWith('type '))) continue
      visit(relative(root, join(root, dirname(file), `${spec as string}.ts`)))
    }
  }
  visit(entry)
  return seen
}

const imports = suite('routechain/client imports')

imports('loads no server module: nothing of src/http, the router or the session phase', () => {
  const loaded = [...loadedFrom('src/client/index.ts')]
  assert.ok(loaded.includes('src/core/chain.ts'), 'the client runs its middlewares on the shared compose()')
  const server = loaded.filter((file) => file.startsWith('src/http/') || (file.startsWith('src/core/') && file !== 'src/core/chain.ts') ||
    file === 'src/session/phase.ts' || file === 'src/index.ts')
  assert.equal(server, [], `the client loads server modules: ${server.join(', ')}`)
})

imports('the shared compose() loads only the error base and the thenable check', () => {
  assert.equal([...loadedFrom('src/core/chain.ts')].sort(), ['src/core/chain.ts', 'src/errors.ts', 'src/util/thenable.ts'])
})

imports.run()
