import type { StandardSchemaV1 } from '@standard-schema/spec'
import { withMeta } from '../core/step-meta.js'
import type { declaredResponses } from '../core/route-map.js'
import type { Step } from '../core/step.js'
import type { RouteRequest } from '../http/route-request.js'
import { configError } from '../errors.js'

/** One documented response: a schema of its body, or a description with an optional schema and media type. */
export type ResponseDescription =
  | StandardSchemaV1
  | { readonly description?: string; readonly schema?: StandardSchemaV1; readonly contentType?: string }

/** What {@link describe} documents about a route, for {@link openapi}. */
export interface RouteDescription {
  readonly summary?: string
  readonly description?: string
  readonly tags?: readonly string[]
  readonly operationId?: string
  readonly deprecated?: boolean
  /** Responses by status code (`200`, `'2XX'`, `'default'`). */
  readonly responses?: { readonly [status: string]: ResponseDescription }
}

/** What a describe step adds: nothing to read, only its responses under a type-only key, for the typed client. */
export interface DescribeAdds<D extends RouteDescription> {
  readonly [declaredResponses]?: D['responses'] extends object ? D['responses'] : {}
}

/** The `kind` of the metadata a describe step carries. */
export const DESCRIBE_KIND = 'routechain.describe'

const FIELDS = new Set(['summary', 'description', 'tags', 'operationId', 'deprecated', 'responses'])

/**
 * Documents a route for {@link openapi}: summary, description, tags, operationId, deprecated, and responses
 * with their schemas. It only carries metadata: it is dropped from the composed chain and costs nothing per
 * request.
 *
 * @example
 * posts.get('/:id', describe({ summary: 'Read a post', tags: ['posts'], responses: { 200: Post } }), getPost)
 */
export function describe<const D extends RouteDescription>(description: D): Step<RouteRequest, DescribeAdds<D>> {
  if (description === null || typeof description !== 'object') configError('describe() takes { summary?, description?, tags?, operationId?, deprecated?, responses? }')
  for (const key of Object.keys(description)) {
    if (!FIELDS.has(key)) configError(`describe() has no field "${key}": the fields are ${[...FIELDS].join(', ')}`)
  }
  if (description.tags !== undefined && (!Array.isArray(description.tags) || description.tags.some((tag) => typeof tag !== 'string'))) {
    configError('describe({ tags }) takes a list of strings')
  }
  return withMeta(function describe() { return undefined }, { kind: DESCRIBE_KIND, data: description, runs: false })
}
