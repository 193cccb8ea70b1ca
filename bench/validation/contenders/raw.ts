// node:http with the rules checked by hand after JSON.parse: the floor any validating framework is held to.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { listening } from '../../contenders/listen.js'
import { answerOf, COUNTRIES, EMAIL } from '../spec.js'
import type { ValidationContender } from '../spec.js'

const LIMIT = 1024 * 1024
const countries = new Set<string>(COUNTRIES)
const isString = (v: unknown, min: number, max: number): v is string => typeof v === 'string' && v.length >= min && v.length <= max
const isNumber = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max

function valid(u: Record<string, unknown>): boolean {
  return isString(u.id, 36, 36) && isString(u.name, 1, 100) && isString(u.email, 3, 254) && EMAIL.test(u.email) &&
    isNumber(u.age, 0, 150) && Number.isInteger(u.age) && typeof u.active === 'boolean' && isNumber(u.score, 0, 100) &&
    Array.isArray(u.tags) && u.tags.length <= 10 && u.tags.every((t) => isString(t, 1, 30)) &&
    typeof u.country === 'string' && countries.has(u.country) && isString(u.createdAt, 10, 40) &&
    (u.notes === undefined || isString(u.notes, 0, 1000))
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'POST' || req.url !== '/users') return send(res, 404, '{"error":"not found"}')
  const chunks: Buffer[] = []
  let size = 0
  req.on('data', (chunk: Buffer) => { size += chunk.length; if (size <= LIMIT) chunks.push(chunk) })
  req.on('end', () => {
    if (size > LIMIT) return send(res, 413, '{"error":"too large"}')
    let user: unknown
    try {
      user = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      return send(res, 400, '{"error":"invalid JSON"}')
    }
    if (user === null || typeof user !== 'object' || Array.isArray(user) || !valid(user as Record<string, unknown>)) return send(res, 400, '{"error":"invalid"}')
    send(res, 200, JSON.stringify(answerOf(user as { id: string; name: string; tags: string[] })))
  })
}

export const raw: ValidationContender = { name: 'node:http (raw, checks by hand)', start: (port) => listening(createServer(handle), port) }
