// Type tests: compiled by `npm test` (tsc), never run. Lines under `@ts-expect-error` must fail to compile.
import { createApp, generateSealKeyPair, openSealed, RoutechainError, SealedValueError, SealKeyRing } from '../../src/index.js'
import type { ClientMiddleware } from '../../src/client/index.js'
import { sealBodyFields } from '../../src/client/index.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
function expectType<T extends true>(): T | undefined { return undefined }

const ring = new SealKeyRing(generateSealKeyPair().secretKey)
const app = createApp()

// The steps after openSealed see its fields as plaintext strings, by name.
app.put('/secrets/:name', openSealed(ring, ['encrypted_value', 'note']), (req) => {
  expectType<Equal<typeof req.sealed, Record<'encrypted_value' | 'note', string>>>()
  const value: string = req.sealed.encrypted_value
  // @ts-expect-error: only the named fields are there
  void req.sealed.other
  return value.length
})

// Steps before it do not see req.sealed.
app.put('/other', (req) => {
  // @ts-expect-error: nothing opened yet
  void req.sealed.encrypted_value
  return null
})

const middleware: ClientMiddleware = sealBodyFields({ keyUrl: '/secrets/public-key', fields: ['encrypted_value'] })
void middleware

// Two openSealed steps: the steps after both see the fields of both.
app.put('/both', openSealed(ring, ['a']), openSealed(ring, ['b']), (req) => {
  const both: string = req.sealed.a + req.sealed.b
  // @ts-expect-error: neither step opens c
  void req.sealed.c
  return both
})

// SealedValueError is a RoutechainError with a stable code.
const sealedError: RoutechainError = new SealedValueError('why')
const code: string = sealedError.code
void code
