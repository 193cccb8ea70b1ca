// Before any load: the chain answers as it should, and a changed session comes back as a cookie that reads back.
import { request } from 'undici'
import { tamper } from '../sessions/spec.js'
import { mintCookie } from './mix.js'
import { READ_PATH, WRITE_PATH } from './spec.js'

interface Answer { status: number; body: string; setCookie: string | undefined }

async function call(port: number, method: 'GET' | 'POST', path: string, cookie?: string): Promise<Answer> {
  const res = await request(`http://127.0.0.1:${port}${path}`, { method, headers: cookie === undefined ? {} : { cookie }, reset: true })
  const header = res.headers['set-cookie']
  return { status: res.statusCode, body: await res.body.text(), setCookie: Array.isArray(header) ? header[0] : header }
}

/** Checks the soak server's answers; returns what came back wrong (empty when all is right). */
export async function checkSoakAnswers(port: number, key: string): Promise<string[]> {
  const wrong: string[] = []
  const expect = (name: string, got: Answer, status: number, body: string | undefined, cookie: boolean): void => {
    if (got.status !== status || (body !== undefined && got.body !== body) || (got.setCookie !== undefined) !== cookie) {
      wrong.push(`${name}: expected ${status} ${body ?? ''}${cookie ? ' with' : ' without'} Set-Cookie, got ${got.status} ${got.body} ${got.setCookie ?? '(no Set-Cookie)'}`)
    }
  }
  const member = mintCookie(key, { user: 'alice', role: 'member' })
  expect('read', await call(port, 'GET', READ_PATH, member), 200, '{"user":"alice","visits":0,"changed":false}', false)
  const visit = await call(port, 'POST', WRITE_PATH, member)
  expect('write', visit, 200, '{"user":"alice","visits":1,"changed":true}', true)
  const saved = visit.setCookie?.split(';')[0]
  if (saved !== undefined) expect('read the saved cookie', await call(port, 'GET', READ_PATH, saved), 200, '{"user":"alice","visits":1,"changed":false}', false)
  expect('no cookie → 401', await call(port, 'GET', READ_PATH), 401, 'unauthenticated', false)
  // a cookie that does not verify loads as a fresh session and is cleared on the way out
  expect('tampered cookie → 401', await call(port, 'GET', READ_PATH, tamper(member)), 401, 'unauthenticated', true)
  expect('reader may not write → 403', await call(port, 'POST', WRITE_PATH, mintCookie(key, { user: 'bob', role: 'reader' })), 403, undefined, false)
  return wrong
}
