// The practical limit: node:http decrypting an AES-256-GCM cookie by hand with node:crypto, then answering.
// The cookie value is base64url(iv (12) ‖ ciphertext ‖ tag (16)) of {"user": …, "exp": unix seconds}.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { listenNode } from '../../contenders/listen.js'
import { BENCH_KEY, COOKIE_NAME, NAMES, UNAUTHENTICATED, type SessionContender } from '../spec.js'

const IV = 12
const TAG = 16
const DAY = 24 * 3600
const PREFIX = `${COOKIE_NAME}=`

/** Encrypts a session by hand: a fresh random IV, AES-256-GCM, the tag at the end. */
export function gcmEncrypt(key: Buffer, payload: object): string {
  const iv = randomBytes(IV)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()])
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')
}

/** Decrypts and parses a session by hand; `undefined` when it does not verify. */
export function gcmDecrypt(key: Buffer, value: string): { user?: unknown; exp?: unknown } | undefined {
  const bytes = Buffer.from(value, 'base64url')
  if (bytes.length < IV + TAG) return undefined
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV))
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG))
  try {
    const plain = Buffer.concat([decipher.update(bytes.subarray(IV, bytes.length - TAG)), decipher.final()])
    return JSON.parse(plain.toString('utf8')) as { user?: unknown; exp?: unknown }
  } catch {
    return undefined
  }
}

/** The session cookie's value in a Cookie header, found by hand. */
function cookieValue(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  let at = header.startsWith(PREFIX) ? 0 : header.indexOf(`; ${PREFIX}`)
  if (at === -1) return undefined
  if (at > 0) at += 2
  const end = header.indexOf(';', at)
  return header.slice(at + PREFIX.length, end === -1 ? header.length : end)
}

const TEXT = 'text/plain; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'

export const rawGcm: SessionContender = {
  name: NAMES.rawGcm,
  verifies: true,
  start: (port) => listenNode((req, res) => {
    if (req.method === 'GET' && req.url === '/me') {
      const value = cookieValue(req.headers.cookie)
      const session = value === undefined ? undefined : gcmDecrypt(BENCH_KEY, value)
      if (session === undefined || typeof session.user !== 'string' || typeof session.exp !== 'number' || session.exp <= Date.now() / 1000) {
        res.writeHead(401, { 'content-type': TEXT, 'content-length': UNAUTHENTICATED.length })
        res.end(UNAUTHENTICATED)
        return
      }
      const body = JSON.stringify({ user: session.user })
      res.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) })
      res.end(body)
      return
    }
    res.writeHead(404)
    res.end()
  }, port),
  minter: async () => (user) => `${PREFIX}${gcmEncrypt(BENCH_KEY, { user, exp: Math.floor(Date.now() / 1000) + DAY })}`,
}
