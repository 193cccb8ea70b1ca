// The shape of one conformance case, and small builders that keep the tables data-like. A case builds a fresh
// app, sends its requests in order (cookies carried from one to the next) and says what each answer must be.
import type { App, Logger } from '../../src/index.js'
import type { NeutralRequest } from '../_helpers/entry-points.js'

/** What one answer must be. Headers not named are not checked here (the cross-entry comparison sees them all). */
export interface Expected {
  status: number
  /** By lower-case name: the exact value, a pattern it must match, or `null` for "absent". */
  headers?: Record<string, string | RegExp | null>
  /** Every Set-Cookie line, in order: exactly this many, each equal to or matching its entry. @default none at all */
  setCookie?: readonly (string | RegExp)[]
  /** The whole body, a pattern it must match, or a predicate (named, so a failure says what it wanted). */
  body: string | RegExp | BodyCheck
}

/** A body predicate with a description for the failure message. */
export interface BodyCheck {
  readonly describe: string
  test(body: string): boolean
}

export interface Exchange {
  request: NeutralRequest
  expect: Expected
}

export interface Case {
  name: string
  /** Builds a fresh app, logging into `logger`; called once per run, so each entry point gets its own app. */
  app(logger: Logger): App
  /** Sent in order; a cookie an answer sets goes back with the next request. */
  exchanges: readonly [Exchange, ...Exchange[]]
}

export const TEXT = 'text/plain; charset=utf-8'
export const JSON_TYPE = 'application/json; charset=utf-8'
export const HTML = 'text/html; charset=utf-8'
export const BYTES = 'application/octet-stream'

export const get = (path: string, headers?: Record<string, string>): NeutralRequest =>
  headers === undefined ? { method: 'GET', path } : { method: 'GET', path, headers }
export const head = (path: string): NeutralRequest => ({ method: 'HEAD', path })
export const options = (path: string): NeutralRequest => ({ method: 'OPTIONS', path })
export const post = (path: string, body: string | Uint8Array, contentType?: string): NeutralRequest =>
  contentType === undefined ? { method: 'POST', path, body } : { method: 'POST', path, body, headers: { 'content-type': contentType } }

/** A body predicate with its description. */
export const bodyThat = (describe: string, test: (body: string) => boolean): BodyCheck => ({ describe, test })

/** The body of a generic error answer must not give anything of the server away. */
export const noStack = bodyThat('no stack frames, file paths or error class names', (body) =>
  !/^\s*at\s|file:\/\/|node:internal|node_modules|\.[cm]?[jt]s:\d+|\b\w*Error: /m.test(body))

/** A text answer: status, text content type, exact Content-Length and body. */
export function textAnswer(body: string, status = 200, headers: Record<string, string | RegExp | null> = {}): Expected {
  return { status, headers: { 'content-type': TEXT, 'content-length': String(Buffer.byteLength(body)), ...headers }, body }
}

/** A JSON answer: the body is compared as it is sent (JSON.stringify of `data`). */
export function jsonAnswer(data: unknown, status = 200, headers: Record<string, string | RegExp | null> = {}): Expected {
  const body = JSON.stringify(data)
  return { status, headers: { 'content-type': JSON_TYPE, 'content-length': String(Buffer.byteLength(body)), ...headers }, body }
}
