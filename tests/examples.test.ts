import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildApp } from '../examples/posts/app.js'
import { recordingLogger, serve, type TestServer } from './_helpers/http.js'

const example = suite<{ server?: TestServer }>('examples/posts')

example.before.each(async (context) => {
  context.server = await serve(buildApp({ logger: recordingLogger().logger }))
})
example.after.each(async (context) => {
  await context.server?.close()
})

example('answers the home page that npm start serves', async ({ server }) => {
  const res = await server!.fetch('/')
  assert.is(res.status, 200)
  assert.match(res.body, 'routechain example')
})

example('lets a reader read but not write a post', async ({ server }) => {
  const read = await server!.fetch('/post/1', { headers: { authorization: 'Bearer reader' } })
  assert.is(read.status, 200)
  assert.equal(JSON.parse(read.body), { id: '1', title: 'Hello, routechain', author: 'walt' })
  const write = await server!.fetch('/post/1', {
    method: 'POST', headers: { authorization: 'Bearer reader', 'content-type': 'application/json' }, body: '{"title":"x"}',
  })
  assert.is(write.status, 403)
})

example('lets a writer create and delete a post', async ({ server }) => {
  const headers = { authorization: 'Bearer writer', 'content-type': 'application/json' }
  const created = await server!.fetch('/post/9', { method: 'POST', headers, body: '{"title":"Nine"}' })
  assert.equal(JSON.parse(created.body), { id: '9', title: 'Nine', author: 'walt' })
  assert.is((await server!.fetch('/post/9', { method: 'DELETE', headers })).status, 204)
  assert.is((await server!.fetch('/post/9', { method: 'DELETE', headers })).status, 404)
})

example('refuses a request with no token', async ({ server }) => {
  const res = await server!.fetch('/post/1')
  assert.is(res.status, 401)
  assert.is(res.headers['www-authenticate'], 'Bearer')
})

example('runs the onion demo and answers extra_stuff=[foo, bar]', async ({ server }) => {
  const res = await server!.fetch('/onion')
  assert.is(res.body, 'extra_stuff=[foo, bar]')
})

example.run()
