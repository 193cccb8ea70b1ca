import * as assert from 'uvu/assert'
import { RoutechainError, type App } from '../../src/index.js'

/** Asserts that `fn` throws a configuration error (whose message matches, when given) and returns it. */
export function throwsConfig(fn: () => unknown, message?: RegExp): RoutechainError {
  let caught: unknown
  try {
    fn()
  } catch (error) {
    caught = error
  }
  assert.instance(caught, RoutechainError, 'expected a RoutechainError to be thrown')
  const error = caught as RoutechainError
  assert.is(error.code, 'ERR_ROUTECHAIN_CONFIG')
  if (message !== undefined) assert.match(error.message, message)
  return error
}

/** The code of the RoutechainError `fn` throws; undefined when it throws nothing. */
export function configCode(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    return error instanceof RoutechainError ? error.code : `not a RoutechainError: ${String(error)}`
  }
  return undefined
}

/** The methods of an Allow header, sorted. */
export function allowOf(headers: Record<string, string | string[] | undefined>): string[] {
  const allow = headers.allow
  assert.type(allow, 'string', 'expected an Allow header')
  return (allow as string).split(',').map((m) => m.trim()).sort()
}

/** Calls listen(), expecting a configuration error; closes whatever started, and returns the error. */
export async function listenError(app: App): Promise<RoutechainError> {
  let caught: unknown
  try {
    await app.listen()
  } catch (error) {
    caught = error
  } finally {
    await app.close({ timeout: 100 })
  }
  assert.instance(caught, RoutechainError, 'expected listen() to reject with a RoutechainError')
  const error = caught as RoutechainError
  assert.is(error.code, 'ERR_ROUTECHAIN_CONFIG')
  return error
}
