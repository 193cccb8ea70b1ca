import { METHODS } from 'node:http'
import type { StandardSchemaV1 } from '@standard-schema/spec'
import type { TableRoute } from '../core/route-table.js'
import { metaOf } from '../core/step-meta.js'
import { configError } from '../errors.js'
import { tableOf, type App } from '../http/app.js'
import { PROBLEM_TYPE } from '../http/problem.js'
import { DESCRIBE_KIND, type ResponseDescription, type RouteDescription } from '../validation/describe.js'
import { VALIDATE_KIND, type ValidateMeta, type ValidationSchemas } from '../validation/validate.js'
import { pathTemplate } from './path-template.js'
import { SchemaRegistry, type JsonSchema } from './schemas.js'

/** Options for {@link openapi}: the document's `info` and, optionally, its `servers`. */
export interface OpenApiOptions {
  readonly info: { readonly title: string; readonly version: string; readonly description?: string; readonly [field: string]: unknown }
  readonly servers?: readonly { readonly url: string; readonly description?: string }[]
}

/** An OpenAPI 3.1 document, as plain JSON-ready data. */
export interface OpenApiDocument {
  readonly openapi: '3.1.0'
  readonly info: OpenApiOptions['info']
  readonly servers?: OpenApiOptions['servers']
  readonly paths: Record<string, Record<string, unknown>>
  readonly components?: { readonly schemas: Record<string, JsonSchema> }
}

// `all()` routes are documented under the methods OpenAPI has operations for, but the automatic ones
const ALL_METHODS = ['get', 'put', 'post', 'delete', 'patch']
const OPERATIONS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])

/** The problem document a validated route answers 400 with. */
const VALIDATION_PROBLEM: JsonSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'errors'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['in', 'path', 'message'],
        properties: {
          in: { enum: ['params', 'query', 'headers', 'cookies', 'body'] },
          path: { type: 'string', description: 'a JSON pointer into the part' },
          message: { type: 'string' },
        },
      },
    },
  },
}

/** What one route documents: its describe() fields and the schemas of its validate() steps, later ones winning. */
interface Documented {
  readonly description: RouteDescription
  readonly schemas: ValidationSchemas
}

function documented(route: TableRoute): Documented {
  let description: RouteDescription = {}
  let schemas: ValidationSchemas = {}
  for (const step of route.steps) {
    const meta = metaOf(step)
    if (meta?.kind === DESCRIBE_KIND) description = { ...description, ...(meta.data as RouteDescription) }
    else if (meta?.kind === VALIDATE_KIND) schemas = { ...schemas, ...(meta.data as ValidateMeta).schemas }
  }
  return { description, schemas }
}

function methodsOf(route: TableRoute): string[] {
  if (route.methods === METHODS) return ALL_METHODS
  return route.methods.map((method) => method.toLowerCase()).filter((method) => OPERATIONS.has(method))
}

const cache = new WeakMap<App, Map<string, OpenApiDocument>>()

/**
 * An OpenAPI 3.1 document of the app's routes: full paths (`/users/{userId}`), methods, path parameters
 * (typed from a `validate` params schema, strings otherwise), query, header and cookie parameters and JSON
 * request bodies from `validate` schemas, responses from `describe({ responses })`, and the 400 problem
 * document for validated routes. Schemas come from their JSON Schema side (`~standard.jsonSchema`); one
 * without it throws, naming the route. A schema used more than once becomes a `components` reference.
 * Reading it builds the route table, so routes can no longer be added; the document is made once per options.
 *
 * @example app.get('/openapi.json', () => openapi(app, { info: { title: 'Blog', version: '1.0.0' } }))
 */
export function openapi(app: App, options: OpenApiOptions): OpenApiDocument {
  if (options === null || typeof options !== 'object' || typeof options.info?.title !== 'string' || typeof options.info.version !== 'string') {
    configError("openapi(app, options) needs options.info with a title and a version: { info: { title: 'Blog', version: '1.0.0' } }")
  }
  const key = JSON.stringify(options)
  let made = cache.get(app)
  if (made === undefined) cache.set(app, (made = new Map()))
  let document = made.get(key)
  if (document === undefined) made.set(key, (document = build(tableOf(app).routesWithSteps(), options)))
  return document
}

function build(routes: readonly TableRoute[], options: OpenApiOptions): OpenApiDocument {
  const registry = new SchemaRegistry()
  const operations: { template: string; method: string; make: () => Record<string, unknown> }[] = []
  let problemUsed = false
  for (const route of routes) {
    const docs = documented(route)
    const { template, params } = pathTemplate(route.path)
    for (const method of methodsOf(route)) {
      const where = (part: string): string => `the ${part} schema of ${method.toUpperCase()} ${route.path}`
      // converted and counted now, written once every use is counted (so shared schemas become references)
      const parameters = [
        ...pathParameters(params, docs.schemas.params, registry, where('params')),
        ...spreadParameters('query', docs.schemas.query, registry, where('query')),
        ...spreadParameters('header', docs.schemas.headers, registry, where('headers')),
        ...spreadParameters('cookie', docs.schemas.cookies, registry, where('cookies')),
      ]
      const body = docs.schemas.body
      if (body !== undefined) registry.use(body, 'input', where('body'))
      const responses = Object.entries(docs.description.responses ?? {})
      if (Object.keys(docs.schemas).length > 0 && !responses.some(([status]) => status === '400')) problemUsed = true
      for (const [status, response] of responses) {
        const schema = responseSchema(response)
        if (schema !== undefined) registry.use(schema, 'output', where(`${status} response`))
      }
      operations.push({
        template, method,
        make: () => operation(docs, parameters, body, responses, registry),
      })
    }
  }
  registry.seal()
  const paths: Record<string, Record<string, unknown>> = {}
  for (const { template, method, make } of operations) (paths[template] ??= {})[method] = make()
  const shared = registry.components()
  const schemas = problemUsed ? { ...shared, ValidationProblem: VALIDATION_PROBLEM } : shared
  return {
    openapi: '3.1.0',
    info: options.info,
    ...(options.servers === undefined ? {} : { servers: options.servers }),
    paths,
    ...(Object.keys(schemas).length === 0 ? {} : { components: { schemas } }),
  }
}

function pathParameters(names: readonly string[], schema: StandardSchemaV1 | undefined, registry: SchemaRegistry, where: string): Record<string, unknown>[] {
  const properties = schema === undefined ? {} : propertiesOf(registry.read(schema, 'input', where), where)
  return names.map((name) => ({ name, in: 'path', required: true, schema: properties[name] ?? { type: 'string' } }))
}

function spreadParameters(location: 'query' | 'header' | 'cookie', schema: StandardSchemaV1 | undefined, registry: SchemaRegistry, where: string): Record<string, unknown>[] {
  if (schema === undefined) return []
  const json = registry.read(schema, 'input', where)
  const required = new Set(Array.isArray(json.required) ? json.required as string[] : [])
  return Object.entries(propertiesOf(json, where)).map(([name, property]) => ({ name, in: location, required: required.has(name), schema: property }))
}

function propertiesOf(json: JsonSchema, where: string): Record<string, JsonSchema> {
  const properties = json.properties
  if (properties === null || typeof properties !== 'object') {
    configError(`openapi(): ${where} must be an object schema with named properties to become parameters`)
  }
  return properties as Record<string, JsonSchema>
}

function isStandard(value: unknown): value is StandardSchemaV1 {
  return typeof value === 'object' && value !== null && '~standard' in value
}

function responseSchema(response: ResponseDescription): StandardSchemaV1 | undefined {
  return isStandard(response) ? response : response.schema
}

function operation(
  docs: Documented, parameters: Record<string, unknown>[], body: StandardSchemaV1 | undefined,
  responses: [string, ResponseDescription][], registry: SchemaRegistry,
): Record<string, unknown> {
  const { summary, description, tags, operationId, deprecated } = docs.description
  const answers: Record<string, unknown> = {}
  for (const [status, response] of responses) {
    const schema = responseSchema(response)
    const text = isStandard(response) ? undefined : response.description
    const contentType = isStandard(response) ? 'application/json' : response.contentType ?? 'application/json'
    answers[status] = {
      description: text ?? 'Response',
      ...(schema === undefined ? {} : { content: { [contentType]: { schema: registry.ref(schema, 'output') } } }),
    }
  }
  const validated = Object.keys(docs.schemas).length > 0
  if (validated && answers['400'] === undefined) {
    answers['400'] = { description: 'Invalid input', content: { [PROBLEM_TYPE]: { schema: { $ref: '#/components/schemas/ValidationProblem' } } } }
  }
  if (Object.keys(answers).length === 0) answers.default = { description: 'Response' }
  return {
    ...(summary === undefined ? {} : { summary }),
    ...(description === undefined ? {} : { description }),
    ...(operationId === undefined ? {} : { operationId }),
    ...(tags === undefined ? {} : { tags: [...tags] }),
    ...(deprecated === undefined ? {} : { deprecated }),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(body === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: registry.ref(body, 'input') } } } }),
    responses: answers,
  }
}
