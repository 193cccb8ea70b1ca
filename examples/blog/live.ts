// Live updates of a post: a page showing a post opens a WebSocket to /posts/:post/live (logged-in readers only:
// the route's chain is requireLogin, as for editing) and gets the post again each time someone saves it.
import type { WebSocket } from 'ws'
import { reply, type Reply } from '../../src/index.js'

/** What a subscriber gets on each save. */
export interface LivePost {
  readonly slug: string
  readonly title: string
  readonly body: string
  readonly editor: string | undefined
}

/** The page script: connects, shows whether it is live, and puts each update into the page. */
const SCRIPT = `const slug = document.currentScript.dataset.post
const status = document.getElementById('live')
const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
const socket = new WebSocket(scheme + '://' + location.host + '/posts/' + encodeURIComponent(slug) + '/live')
socket.addEventListener('open', () => { status.dataset.state = 'open'; status.textContent = 'Live: edits show here as they are saved' })
socket.addEventListener('close', () => { status.dataset.state = 'closed'; status.textContent = 'Not live (log in to follow edits)' })
socket.addEventListener('message', (event) => {
  const post = JSON.parse(event.data)
  document.getElementById('title').textContent = post.title
  document.getElementById('body').textContent = post.body
  status.dataset.updates = String(Number(status.dataset.updates || 0) + 1)
})
`

/** The sockets following each post, and how to tell them of a save. */
export class LiveUpdates {
  readonly #followers = new Map<string, Set<WebSocket>>()

  /** Sends the saved post to everyone following it. */
  publish(post: LivePost): void {
    const message = JSON.stringify({ title: post.title, body: post.body, editor: post.editor ?? null })
    for (const socket of this.#followers.get(post.slug) ?? []) socket.send(message)
  }

  /** Adds a socket to a post's followers until it closes. */
  follow(slug: string, socket: WebSocket): void {
    const followers = this.#followers.get(slug) ?? new Set<WebSocket>()
    this.#followers.set(slug, followers.add(socket))
    socket.on('close', () => followers.delete(socket))
  }
}

/** Serves the page script. */
export function liveScript(): Reply {
  return reply(SCRIPT, { headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' } })
}
