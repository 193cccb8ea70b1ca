import { request } from 'undici'
import { CHECKED } from './spec.js'

/** Calls every checked case on a running contender; returns what came back wrong (empty when all is right). */
export async function checkAnswers(port: number): Promise<string[]> {
  const wrong: string[] = []
  for (const c of CHECKED) {
    const res = await request(`http://127.0.0.1:${port}${c.path}`, { headers: c.headers })
    const body = await res.body.text()
    if (res.statusCode !== c.status || body !== c.body) {
      wrong.push(`${c.name}: expected ${c.status} ${JSON.stringify(c.body)}, got ${res.statusCode} ${JSON.stringify(body)}`)
    }
  }
  return wrong
}
