import { errorAnswer, type ErrorFormat } from './problem.js'
import { Reply } from './reply.js'

/** The answer for a path that exists for other methods: 204 with `Allow` to OPTIONS, else 405 with `Allow`. */
export function allowedReply(method: string, methods: readonly string[], format: ErrorFormat): Reply {
  // OPTIONS is always answered, so it is always allowed
  const allow = (methods.includes('OPTIONS') ? methods : [...methods, 'OPTIONS']).join(', ')
  if (method === 'OPTIONS') return new Reply(null, 204, { allow })
  return errorAnswer(format, 405, undefined, { allow })
}
