// validate() on the three Standard Schema libraries users pick (#14): zod 4, valibot 1 and arktype 2, each
// through the same cases over real HTTP: outputs after coercion and defaults, every invalid value reported by
// part and JSON pointer (valibot's object path segments included), async schemas, and a step after validate
// that reads req.valid.
import { type } from 'arktype'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as v from 'valibot'
import * as z from 'zod'
import { createApp, validate, type ValidationSchemas } from '../../src/index.js'
import { recordingLogger, withServer } from '../_helpers/http.js'

interface Library {
  readonly name: string
  /** params { id: number from a string }, body { title: non-empty string, tags: string[] defaulting to [] } */
  readonly post: ValidationSchemas
  /** body { name } accepted only after an async check that the name is not taken */
  readonly asyncBody: ValidationSchemas | undefined
}

const TAKEN = new Set(['root'])
const free = async (name: string): Promise<boolean> => {
  await new Promise((resolve) => setTimeout(resolve, 1))
  return !TAKEN.has(name)
}

const libraries: readonly Library[] = [
  {
    name: 'zod 4',
    post: { params: z.object({ id: z.coerce.number().int() }), body: z.object({ title: z.string().min(1), tags: z.array(z.string()).default([]) }) },
    asyncBody: { body: z.object({ name: z.string().refine(free, 'that name is taken') }) },
  },
  {
    name: 'valibot 1',
    post: {
      params: v.object({ id: v.pipe(v.string(), v.toNumber(), v.integer()) }),
      body: v.object({ title: v.pipe(v.string(), v.minLength(1)), tags: v.optional(v.array(v.string()), []) }),
    },
    asyncBody: { body: v.objectAsync({ name: v.pipeAsync(v.string(), v.checkAsync(free, 'that name is taken')) }) },
  },
  {
    name: 'arktype 2',
    post: { params: type({ id: 'string.integer.parse' }), body: type({ title: 'string > 0', tags: type('string[]').default(() => []) }) },
    asyncBody: undefined, // arktype validates synchronously only
  },
]

const test = suite('validate() on each library')

for (const library of libraries) {
  const app = () => {
    const a = createApp({ logger: recordingLogger().logger })
    a.post('/posts/:id', validate(library.post), (req) => ({ valid: (req as unknown as { valid: unknown }).valid }))
    if (library.asyncBody !== undefined) a.post('/users', validate(library.asyncBody), () => 'created')
    return a
  }

  test(`${library.name}: valid input reaches the next step as the schema's output`, async () => {
    await withServer(app(), async (s) => {
      const res = await s.fetch('/posts/42', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"hello"}' })
      assert.is(res.status, 200, res.body)
      assert.equal(JSON.parse(res.body), { valid: { params: { id: 42 }, body: { title: 'hello', tags: [] } } })
    })
  })

  test(`${library.name}: each invalid value is reported with its part and JSON pointer`, async () => {
    await withServer(app(), async (s) => {
      const res = await s.fetch('/posts/abc', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"","tags":["a",7]}' })
      assert.is(res.status, 400)
      assert.is(res.headers['content-type'], 'application/problem+json')
      const problem = JSON.parse(res.body) as { status: number; errors: { in: string; path: string; message: string }[] }
      assert.is(problem.status, 400)
      assert.equal(problem.errors.map((e) => `${e.in} ${e.path}`), ['params /id', 'body /title', 'body /tags/1'])
      for (const error of problem.errors) assert.ok(error.message.length > 0, `${error.in} ${error.path} has no message`)
    })
  })

  if (library.asyncBody !== undefined) {
    test(`${library.name}: an async schema is awaited`, async () => {
      await withServer(app(), async (s) => {
        const ok = await s.fetch('/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"ann"}' })
        assert.is(ok.status, 200, ok.body)
        const taken = await s.fetch('/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"root"}' })
        assert.is(taken.status, 400)
        assert.equal(JSON.parse(taken.body).errors, [{ in: 'body', path: '/name', message: 'that name is taken' }])
      })
    })
  }
}

test('misconfiguration throws at start-up with what to do', () => {
  assert.throws(() => validate({} as ValidationSchemas), /at least one of params, query, headers, cookies, body/)
  assert.throws(() => validate({ body: { parse: () => 1 } } as unknown as ValidationSchemas), /body is not a Standard Schema v1 validator/)
  assert.throws(() => validate({ bodies: z.string() } as unknown as ValidationSchemas), /no part "bodies"/)
})

test.run()
