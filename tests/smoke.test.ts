import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, Router, defineStep, text } from '../src/index.js'
import { serve } from './_helpers/http.js'

test('smoke', async () => {
  const app = createApp()
  const auth = defineStep<{ user: string }>((req) => { req.user = 'alice' })
  const posts = new Router()
  posts.get('/:id', auth, (req) => ({ id: req.params.id, user: req.user }))
  app.mount('/post', posts)
  app.get('/', () => 'ok')
  const s = await serve(app)
  assert.equal((await s.fetch('/')).body, 'ok')
  const r = await s.fetch('/post/7')
  assert.equal(r.body, '{"id":"7","user":"alice"}')
  assert.equal((await s.fetch('/post/7', { method: 'POST' })).status, 405)
  assert.equal((await s.fetch('/%zz')).status, 400)
  await s.close()
})
test.run()
