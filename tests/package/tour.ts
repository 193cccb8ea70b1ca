// Makes a runnable program of the README's tour: the tour's code as it stands, the helpers it leaves to the
// reader (lookUpToken, logRequest, findPost, savePost) before it, and requests that drive it after it.

/** The first TypeScript block under the README's "## A tour" heading. */
export function tourBlock(readme: string): string {
  const start = readme.indexOf('\n## A tour\n')
  if (start < 0) throw new Error('the README has no "## A tour" section')
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(start))
  if (block === null) throw new Error('the README tour has no ts code block')
  return block[1]!
}

const helpers = `
const tokens: Record<string, User> = {
  'Bearer reader': { name: 'rita', permissions: ['post:read'] },
  'Bearer writer': { name: 'will', permissions: ['post:read', 'post:write'] },
}
const logged: string[] = []
function lookUpToken(header: string | undefined): User | undefined {
  return header === undefined ? undefined : tokens[header]
}
function logRequest(req: RouteRequest): void {
  logged.push(\`\${req.method} \${req.path}\`)
}
function findPost(id: string, user: User) {
  return { id, readBy: user.name }
}
function savePost(body: unknown) {
  return { saved: body }
}
`

const driver = `
async function call(path: string, init: RequestInit = {}) {
  const res = await fetch(server.url + path, init)
  return { status: res.status, body: await res.text() }
}
const post = (token: string) => ({
  method: 'POST', headers: { authorization: token, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'hello' }),
})
const results = {
  withoutToken: await call('/post/7'),
  reader: await call('/post/7', { headers: { authorization: 'Bearer reader' } }),
  readerWrites: await call('/post/7', post('Bearer reader')),
  writer: await call('/post/7', post('Bearer writer')),
  logged,
}
await app.close()
process.stdout.write(JSON.stringify(results))
`

/**
 * The tour as a program: helpers, the tour (listening on port 0 rather than 3000, so it never collides with
 * anything), then requests whose results it prints as JSON.
 */
export function tourProgram(readme: string): string {
  const tour = tourBlock(readme)
  if (!tour.includes('port: 3000')) throw new Error('the README tour no longer listens on port 3000: update tests/package/tour.ts')
  return `${tour.replace('port: 3000', 'port: 0')}\n${helpers}\n${driver}`
}
