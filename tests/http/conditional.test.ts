// Conditional GET over real HTTP (#16): the ETag an answer gives comes back in If-None-Match and gets a 304; it
// changes when the body changes, and a large body is tagged too.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp } from '../../src/index.js'
import { recordingLogger, withServer } from '../_helpers/http.js'

const test = suite('conditional GET')

test('the ETag comes back in If-None-Match: 304 while the body is the same, 200 with a new ETag once it changes', async () => {
  let body = 'version one'
  const app = createApp({ logger: recordingLogger().logger })
  app.get('/doc', () => body)
  app.get('/big', () => 'x'.repeat(100_000))
  await withServer(app, async (s) => {
    const first = await s.fetch('/doc')
    const etag = String(first.headers.etag)
    const again = await s.fetch('/doc', { headers: { 'if-none-match': etag } })
    assert.is(again.status, 304)
    assert.is(again.body, '')
    body = 'version two'
    const changed = await s.fetch('/doc', { headers: { 'if-none-match': etag } })
    assert.is(changed.status, 200)
    assert.is(changed.body, 'version two')
    assert.is.not(changed.headers.etag, etag)
    const big = await s.fetch('/big')
    assert.is((await s.fetch('/big', { headers: { 'if-none-match': String(big.headers.etag) } })).status, 304)
  })
})

test.run()
