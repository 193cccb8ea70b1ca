// A WebSocket route's chain reads a session Python wrote (#15): Python's aiohttp_session (EncryptedCookieStorage)
// sets the cookie, Python's aiohttp ClientSession.ws_connect carries it to a routechain WebSocket route, whose
// step loads the session and lets the upgrade through; without the cookie the step refuses with 401.
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createApp, EncryptedCookieStorage, generateKey, HttpError } from '../../src/index.js'
import { Jar } from '../_helpers/cookie-jar.js'
import { recordingLogger } from '../_helpers/http.js'
import { AIOHTTP_APP, runPythonJsonAsync, startPythonApp } from '../_helpers/python.js'
import { hasPythonModules, needs } from '../_helpers/services.js'

const WS_CLIENT = fileURLToPath(new URL('../../../tests/_helpers/ws_client.py', import.meta.url))
const COOKIE = 'AIOHTTP_SESSION'

const interop = suite('WebSocket routes and Python aiohttp')

interop('aiohttp ws_connect with a cookie aiohttp_session wrote gets through the chain; without it, 401', async () => {
  if (!needs('Python aiohttp and aiohttp_session (Debian python3-aiohttp-session, python3-cryptography)',
    hasPythonModules('aiohttp', 'aiohttp_session', 'cryptography'), 'apt-get install python3-aiohttp-session python3-cryptography')) return
  const key = generateKey()
  const python = await startPythonApp(AIOHTTP_APP, ['encrypted', key, COOKIE, '0'])
  const app = createApp({ logger: recordingLogger().logger, session: { storage: new EncryptedCookieStorage(key), cookie: { name: COOKIE } } })
  app.ws('/chat', async function requireUser(req) {
    const user = (await req.session()).get('user')
    if (typeof user !== 'string') throw new HttpError(401, 'log in first')
  }, async (socket, req) => {
    socket.send(JSON.stringify({ hello: (await req.session()).get('user') }))
    socket.on('message', (data) => socket.send(`echo ${data.toString()}`))
  })
  try {
    const server = await app.listen({ port: 0 })
    const jar = new Jar()
    const set = await jar.call(`${python.url}/set?key=user&value=alice`)
    assert.is(set.status, 200, python.stderr())
    const cookie = jar.header()
    assert.ok(cookie?.startsWith(`${COOKIE}=`), 'Python set the session cookie')
    const url = `ws://127.0.0.1:${server.port}/chat`
    assert.equal(await runPythonJsonAsync(WS_CLIENT, { url, cookie }), { first: '{"hello":"alice"}', echo: 'echo from python' })
    assert.equal(await runPythonJsonAsync(WS_CLIENT, { url, cookie: null }), { status: 401 })
  } finally {
    await app.close({ timeout: 1000 })
    await python.stop()
  }
})

interop.run()
