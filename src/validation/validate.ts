import type { StandardSchemaV1 } from '@standard-schema/spec'
import { withMeta } from '../core/step-meta.js'
import type { validInput } from '../core/route-map.js'
import type { Step } from '../core/step.js'
import { configError } from '../errors.js'
import type { RouteRequest } from '../http/route-request.js'
import { isThenable } from '../util/thenable.js'
import { jsonPointer } from './issue-path.js'
import { bodyInput, partInput } from './request-parts.js'
import { ValidationError, type ValidationIssue, type ValidationPart } from './validation-error.js'

/** A Standard Schema v1 validator per part of the request: zod 4, valibot 1, arktype 2 and others. */
export type ValidationSchemas = { readonly [P in ValidationPart]?: StandardSchemaV1 }

/** What {@link validate} puts on `req.valid`: each validated part's output, after transforms and defaults. */
export type Validated<S extends ValidationSchemas> = {
  -readonly [P in keyof S]: S[P] extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S[P]> : never
}

/** What each schema takes: the input types the typed client sends. */
export type ValidationInputs<S extends ValidationSchemas> = {
  -readonly [P in keyof S]: S[P] extends StandardSchemaV1 ? StandardSchemaV1.InferInput<S[P]> : never
}

/** What a validate step adds: `valid`, and its schemas' inputs under a type-only key. */
export interface ValidateAdds<S extends ValidationSchemas> {
  valid: Validated<S>
  readonly [validInput]?: ValidationInputs<S>
}

/** Options for {@link validate}. */
export interface ValidateOptions {
  /**
   * Shapes the answer to invalid input: return a response, or `undefined` for the default 400 problem
   * document. To shape it for every route at once, `app.onError` receives a {@link ValidationError}.
   */
  onInvalid?: (errors: readonly ValidationIssue[], req: RouteRequest) => unknown
}

/** What `validate()` declares for documentation (OpenAPI). */
export interface ValidateMeta {
  readonly schemas: ValidationSchemas
}

/** The `kind` of the metadata a validate step carries. */
export const VALIDATE_KIND = 'routechain.validate'

const PARTS: readonly ValidationPart[] = ['params', 'query', 'headers', 'cookies', 'body']

interface Holder {
  valid?: Record<string, unknown>
}

function checkSchemas(schemas: ValidationSchemas): [Exclude<ValidationPart, 'body'>, StandardSchemaV1][] {
  if (schemas === null || typeof schemas !== 'object') configError('validate() takes { params?, query?, headers?, cookies?, body? }, each a Standard Schema')
  const given = Object.keys(schemas)
  const unknown = given.filter((key) => !PARTS.includes(key as ValidationPart))
  if (unknown.length > 0) configError(`validate() has no part "${unknown[0]}": the parts are ${PARTS.join(', ')}`)
  if (given.length === 0) configError('validate() needs a schema for at least one of params, query, headers, cookies, body')
  for (const part of given) {
    const schema = schemas[part as ValidationPart] as { '~standard'?: { version?: unknown; validate?: unknown } } | undefined
    if (schema?.['~standard']?.version !== 1 || typeof schema['~standard'].validate !== 'function') {
      configError(`validate(): ${part} is not a Standard Schema v1 validator (zod 4, valibot 1, arktype 2 and others are)`)
    }
  }
  return PARTS.filter((part): part is Exclude<ValidationPart, 'body'> => part !== 'body' && schemas[part] !== undefined)
    .map((part) => [part, schemas[part] as StandardSchemaV1])
}

/**
 * A step that validates parts of the request, each with any Standard Schema v1 validator, and puts each
 * part's **output** (after coercions, transforms and defaults) on `req.valid.<part>`, typed for the steps
 * after it. Invalid input answers 400 with a problem document listing every invalid value; async schemas
 * work; the body is read as JSON or an urlencoded form, with the app's limits (413, 415). Several
 * `validate` steps add up.
 *
 * @example
 * posts.post('/:id', validate({ params: z.object({ id: z.coerce.number() }), body: Post }),
 *   (req) => save(req.valid.params.id, req.valid.body))
 */
export function validate<S extends ValidationSchemas>(
  schemas: S & { readonly [K in Exclude<keyof S, ValidationPart>]: never }, options: ValidateOptions = {},
  // NoInfer: the step's type comes from the schemas alone, never from where it is used, so a route infers
  // what it adds even when the step after it is a declared function
): NoInfer<Step<RouteRequest, ValidateAdds<S>>> {
  const parts = checkSchemas(schemas)
  const body = schemas.body
  const { onInvalid } = options
  if (onInvalid !== undefined && typeof onInvalid !== 'function') configError('validate(schemas, { onInvalid }): onInvalid must be a function')

  const settle = (valid: Record<string, unknown>, part: ValidationPart, result: StandardSchemaV1.Result<unknown>, errors: ValidationIssue[]): void => {
    if (result.issues === undefined) valid[part] = result.value
    else for (const issue of result.issues) errors.push({ in: part, path: jsonPointer(issue.path), message: issue.message })
  }

  const finish = (req: RouteRequest, errors: ValidationIssue[]): unknown => {
    if (errors.length === 0) return undefined
    if (onInvalid === undefined) throw new ValidationError(errors)
    const answer = onInvalid(errors, req)
    if (isThenable(answer)) return Promise.resolve(answer).then((value) => value ?? Promise.reject(new ValidationError(errors)))
    if (answer === undefined) throw new ValidationError(errors)
    return answer
  }

  const step = function validate(req: RouteRequest): unknown {
    const holder = req as RouteRequest & Holder
    const valid = (holder.valid ??= {})
    const errors: ValidationIssue[] = []
    let pending: Promise<void>[] | undefined
    for (const [part, schema] of parts) {
      const result = schema['~standard'].validate(partInput(req, part))
      if (isThenable(result)) (pending ??= []).push(Promise.resolve(result).then((r) => settle(valid, part, r, errors)))
      else settle(valid, part, result, errors)
    }
    // hot paths: no body and sync schemas answer without a promise; a body with sync schemas takes one hop
    if (body === undefined && pending === undefined) return finish(req, errors)
    if (body === undefined) return Promise.all(pending as Promise<void>[]).then(() => finish(req, errors))
    const checkBody = (input: unknown): unknown => {
      const result = body['~standard'].validate(input)
      if (isThenable(result)) return Promise.resolve(result).then((r) => { settle(valid, 'body', r, errors); return finish(req, errors) })
      settle(valid, 'body', result, errors)
      return finish(req, errors)
    }
    const read = bodyInput(req)
    return pending === undefined ? read.then(checkBody) : Promise.all([read, ...pending]).then(([input]) => checkBody(input))
  }
  return withMeta(step, { kind: VALIDATE_KIND, data: { schemas } satisfies ValidateMeta, runs: true }) as unknown as NoInfer<Step<RouteRequest, ValidateAdds<S>>>
}
