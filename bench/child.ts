// The programs the benches and tests start (redis-server, sentinels, haproxy, app processes): each one killed
// if this process exits first, and stopped by its PID with a bounded wait. One exit listener serves them all.
import type { ChildProcess } from 'node:child_process'

const running = new Set<ChildProcess>()
let listening = false

function killAll(): void {
  for (const child of running) child.kill('SIGKILL')
}

/** Kills `child` (SIGKILL) if this process exits while it still runs, whatever ends this process. */
export function killWithParent(child: ChildProcess): void {
  if (!listening) {
    listening = true
    process.once('exit', killAll)
  }
  running.add(child)
  child.once('exit', () => running.delete(child))
}

/** Resolves once `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/**
 * Stops `child`: continues it in case it is paused, sends SIGTERM, and SIGKILL if it has not exited after
 * `graceMs`; resolves once it has exited.
 */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  const gone = exited(child)
  child.kill('SIGCONT')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await gone
  clearTimeout(timer)
}
