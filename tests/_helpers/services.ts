// Tests that need an outside program (redis-server, chromium, Python's aiohttp_session): under CI=true a
// missing one fails the test; elsewhere the test skips and says so aloud.
import { spawnSync } from 'node:child_process'

/** Whether this run is CI, where nothing may be skipped. */
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1'

/** True when a command can be run (looked up on PATH, or an absolute path that exists). */
export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v "${command}"`], { stdio: 'ignore' }).status === 0
}

/** True when Debian's python3 can import every module named. */
export function hasPythonModules(...modules: string[]): boolean {
  const code = modules.map((m) => `import ${m}`).join('; ')
  return spawnSync('/usr/bin/python3', ['-c', code], { stdio: 'ignore' }).status === 0
}

/**
 * Decides whether a test that needs `what` can run: true when it is there. When it is missing, throws under
 * CI (so the run fails) and otherwise prints a loud SKIPPED line and returns false.
 */
export function needs(what: string, available: boolean, install: string): boolean {
  if (available) return true
  const message = `${what} is not available (install: ${install})`
  if (IN_CI) throw new Error(`${message}: CI must run this test`)
  console.warn(`\n  SKIPPED: ${message}; this test did not run.\n`)
  return false
}
