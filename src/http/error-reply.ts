import { stepName } from '../core/chain.js'
import { HttpError, NoResponseError } from './http-error.js'
import type { Logger } from '../util/logger.js'
import { errorAnswer, type ErrorFormat } from './problem.js'
import { Reply, toReply } from './reply.js'
import type { RouteRequest } from './route-request.js'
import type { CompiledRoute } from '../core/route-table.js'

/** Takes over error responses: return a response, or `undefined` to fall back to the default one. */
export type ErrorHandler = (error: unknown, req: RouteRequest) => unknown

/**
 * Turns an error into the response the client gets: through `onError` when set, else the default (an
 * HttpError's own response; a bare 500 for anything else). Logs what the client is not told, once.
 * The reply carries the error in its `error` field, so an onion step can tell it from a normal answer.
 */
export async function errorReply(
  req: RouteRequest, route: CompiledRoute, error: unknown, onError: ErrorHandler | undefined, logger: Logger, format: ErrorFormat,
): Promise<Reply> {
  let reply: Reply | undefined
  if (onError !== undefined) {
    try {
      const value = await onError(error, req)
      if (value !== undefined) {
        const given = toReply(value)
        // a copy, so the error is never written onto a reply the handler shares between requests
        reply = new Reply(given.body, given.status, given.headers)
      }
    } catch (handlerError) {
      logger.error(`${where(req, route)}: onError threw; answered the default error response`, handlerError)
    }
  }
  reply ??= defaultReply(req, route, error, logger, format)
  reply.error = error
  return reply
}

function where(req: RouteRequest, route: CompiledRoute): string {
  return `${req.method} ${route.path} [${route.steps.map(stepName).join(', ')}]`
}

function defaultReply(req: RouteRequest, route: CompiledRoute, error: unknown, logger: Logger, format: ErrorFormat): Reply {
  if (error instanceof NoResponseError) {
    logger.error(`${where(req, route)}: the chain ended without a response (every step returned undefined); answered 500`)
    return errorAnswer(format, 500)
  }
  if (error instanceof HttpError) {
    // a server-side failure is logged even when its message is meant for the client too
    if (error.status >= 500 || !error.expose) logger.error(`${where(req, route)}: ${error.status} ${error.message}`, error.cause ?? error)
    return error.toReply(format)
  }
  logger.error(`${where(req, route)}: a step threw; answered 500`, error)
  return errorAnswer(format, 500)
}
