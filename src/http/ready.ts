import type { Step } from '../core/step.js'
import { configError } from '../errors.js'
import type { RequestBase } from './request-base.js'
import type { RouteRequest } from './route-request.js'
import { text, type Reply } from './reply.js'

/** Options for {@link ready}. */
export interface ReadyOptions {
  /**
   * What else must hold for this process to take traffic, such as its Redis answering: true when ready. A
   * false, a throw or a rejection answers 503 like closing does. It runs on every check, so keep it cheap.
   */
  check?: (req: RouteRequest) => boolean | Promise<boolean>
}

const NO_STORE = { 'cache-control': 'no-store' }

function notReady(why: string): Reply {
  return text(why, { status: 503, headers: { ...NO_STORE, 'retry-after': '1' } })
}

/**
 * A readiness route for load balancers and orchestrators: 200 `ready` while the app serves, 503 `closing`
 * from the moment `app.close()` begins, so health checks take the process out while in-flight requests finish
 * (give `close({ drain })` long enough for the checks to notice). Answers are never cached.
 *
 * @example
 * app.get('/ready', ready({ check: async () => (await redis.ping()) === 'PONG' }))
 * process.once('SIGTERM', () => app.close({ drain: 2000 }))
 */
export function ready(options: ReadyOptions = {}): Step {
  const { check } = options
  if (check !== undefined && typeof check !== 'function') configError('ready({ check }) takes a function (req) => boolean | Promise<boolean>')
  return async function ready(req) {
    if ((req as unknown as RequestBase).appClosing) return notReady('closing')
    if (check !== undefined) {
      const fine = await Promise.resolve().then(() => check(req)).catch(() => false)
      if (fine !== true) return notReady('not ready')
    }
    return text('ready', { headers: NO_STORE })
  }
}
