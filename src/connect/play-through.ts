import type { OutgoingHttpHeaders } from 'node:http'
import { noBodyAllowed, Reply } from '../http/reply.js'
import { toReadable } from '../http/stream-body.js'
import type { ConnectResponse } from './connect-response.js'
import type { ConnectState } from './connect-state.js'

/** The reply a response written into `res` becomes: its status and headers, and its body whole or as a stream. */
export function replyOf(res: ConnectResponse, method: string): Reply {
  const headers = { ...res.getHeaders() }
  if (noBodyAllowed(res.statusCode) || method === 'HEAD') {
    res.output.resume()
    return new Reply(null, res.statusCode, headers)
  }
  return new Reply(res.ended ? res.takeBody() : res.output, res.statusCode, headers)
}

/** The middleware's headers with the chain's over them (the chain's win), cookies kept from both. */
function mergedHeaders(res: ConnectResponse, own: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {}
  res.eachHeader((name, value) => { headers[name] = value })
  const theirs = headers['set-cookie']
  for (const name of Object.keys(own)) headers[name] = own[name]
  const ours = own['set-cookie']
  if (theirs !== undefined && ours !== undefined) {
    headers['set-cookie'] = [...(Array.isArray(theirs) ? theirs : [String(theirs)]), ...(Array.isArray(ours) ? ours : [String(ours)])]
  }
  return headers
}

/** Whether the middleware hooked `res` (compression wraps write/end, morgan and on-finished listen for the end). */
function watched(res: ConnectResponse): boolean {
  return Object.hasOwn(res, 'writeHead') || Object.hasOwn(res, 'write') || Object.hasOwn(res, 'end') ||
    res.listenerCount('finish') > 0 || res.listenerCount('close') > 0 || res.listenerCount('prefinish') > 0
}

/**
 * The rest of the chain's answer, through the middleware's `res`: headers it set are added (the chain's own
 * win, cookies are kept from both), and when it hooked `res` the reply is written through it, as Express
 * would, so `compression` compresses it and `morgan` logs it.
 */
export function playThrough(state: ConnectState, answer: Reply, method: string): Reply | Promise<Reply> {
  const res = state.res
  state.played = true
  if (!watched(res)) {
    if (res.headerCount === 0) return answer
    const merged = new Reply(answer.body, answer.status, mergedHeaders(res, answer.headers))
    merged.error = answer.error
    return merged
  }
  res.statusCode = answer.status
  for (const [name, value] of Object.entries(mergedHeaders(res, answer.headers))) if (value !== undefined) res.setHeader(name, value)
  const head = new Promise<Reply>((resolve) => {
    state.onHead = () => {
      state.onHead = undefined
      queueMicrotask(() => resolve(replyOf(res, method)))
    }
  })
  const body = answer.body
  if (body === null || noBodyAllowed(answer.status)) {
    res.end()
  } else if (typeof body === 'string' || body instanceof Uint8Array) {
    if (!res.hasHeader('content-length')) res.setHeader('Content-Length', typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength)
    res.end(body)
  } else {
    const source = toReadable(body)
    source.on('error', (error: Error) => res.destroy(error))
    source.pipe(res as unknown as NodeJS.WritableStream)
  }
  return head.then((reply) => {
    reply.error = answer.error
    return reply
  })
}
