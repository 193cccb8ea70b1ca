// Open-file limit: the server and the load generator each hold one descriptor per connection, plus their own.
import { spawnSync } from 'node:child_process'

const HEADROOM = 256
const WANTED = 65_536
const RAISED_ENV = 'ROUTECHAIN_SOAK_RAISED_NOFILE'

function shell(command: string): { ok: boolean; out: string } {
  const result = spawnSync('sh', ['-c', command], { encoding: 'utf8' })
  return { ok: result.status === 0, out: result.stdout.trim() }
}

/**
 * The open-file limit this process's children get (`ulimit -n` in a child shell). Node raises its own soft limit
 * to the hard limit at start-up and the server and the load generator inherit it, so this is the hard limit.
 */
export function openFileLimit(): number {
  const { out } = shell('ulimit -n')
  return out === 'unlimited' ? Number.POSITIVE_INFINITY : Number(out)
}

/**
 * Makes sure `connections` fit under the open-file limit. Node has already raised the soft limit to the hard one,
 * so when that is still too low only a privileged shell can help: if `ulimit -n 65536` works here, this same command
 * runs again under it and the process exits with its status; otherwise this throws with what to do.
 */
export function ensureOpenFiles(connections: number): void {
  const needed = connections + HEADROOM
  const limit = openFileLimit()
  if (limit >= needed) return
  if (process.env[RAISED_ENV] === undefined && shell(`ulimit -n ${WANTED}`).ok) {
    console.log(`[load] the open-file limit ${limit} is too low for ${connections} connections: running again under ulimit -n ${WANTED}`)
    const again = spawnSync('sh', ['-c', `ulimit -n ${WANTED} && exec "$0" "$@"`, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit', env: { ...process.env, [RAISED_ENV]: '1' },
    })
    process.exit(again.status ?? 1)
  }
  throw new Error(`${connections} connections need ${needed} open files per process, but the hard limit is ${limit} and cannot be raised from here; raise it (ulimit -Hn as a privileged user, LimitNOFILE, limits.conf) or pass --connections ${Math.max(1, limit - HEADROOM)}`)
}
