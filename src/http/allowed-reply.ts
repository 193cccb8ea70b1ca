import { WS_METHOD } from '../core/upgrade.js'
import { errorAnswer, type ErrorFormat } from './problem.js'
import { Reply } from './reply.js'

/**
 * The answer for a path that exists for other methods: 204 with `Allow` to OPTIONS, 426 Upgrade Required to
 * a plain GET of a WebSocket-only path, else 405 with `Allow` (a WebSocket upgrade to a path that serves only
 * HTTP included). `method` is the lookup's: `WS` for an upgrade request. A WebSocket route counts as GET in `Allow`.
 */
export function allowedReply(method: string, methods: readonly string[], format: ErrorFormat): Reply {
  const http = methods.filter((m) => m !== WS_METHOD)
  if (methods.includes(WS_METHOD) && !http.includes('GET')) http.unshift('GET')
  // OPTIONS is always answered, so it is always allowed
  const allow = (http.includes('OPTIONS') ? http : [...http, 'OPTIONS']).join(', ')
  if (method === 'OPTIONS') return new Reply(null, 204, { allow })
  if ((method === 'GET' || method === 'HEAD') && methods.includes(WS_METHOD)) {
    return errorAnswer(format, 426, 'this path takes WebSocket connections only', { upgrade: 'websocket', connection: 'Upgrade' })
  }
  return errorAnswer(format, 405, undefined, { allow })
}
