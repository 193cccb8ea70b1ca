// The blog's JSON API, validated with zod and documented from the same schemas:
//
//   GET   /api/posts           the posts
//   GET   /api/posts/:post     one post
//   PATCH /api/posts/:post     changes its title or body (needs the login session: 401 otherwise)
//   GET   /api/openapi.json    the OpenAPI 3.1 document of the whole app
import * as z from 'zod'
import { describe, HttpError, openapi, Router, validate, type App, type RouteRequest } from '../../src/index.js'

/** A post as the blog keeps it. */
export interface ApiPost {
  slug: string
  title: string
  body: string
  editor: string | undefined
}

const PostOut = z.object({ slug: z.string(), title: z.string(), body: z.string(), editor: z.string().nullable() }).meta({ title: 'Post' })
const PostChange = z.object({ title: z.string().trim().min(1).max(200).optional(), body: z.string().max(64 * 1024).optional() })
  .refine((change) => change.title !== undefined || change.body !== undefined, 'change the title, the body or both')
  .meta({ title: 'PostChange' })
const Slug = z.object({ post: z.string().regex(/^[a-z0-9-]+$/) })

const shown = (post: ApiPost) => ({ slug: post.slug, title: post.title, body: post.body, editor: post.editor ?? null })

/**
 * The blog's API, to mount at `/api`: `posts` is the blog's own map, `currentUser` reads the login session,
 * `saved` hears of each change. The document covers every route of `app`, the HTML pages included. The routes
 * are chained, so the router's type holds them: `createClient<Blog>()` (app.ts) calls them typed.
 */
export function blogApi(
  app: App, posts: Map<string, ApiPost>, currentUser: (req: RouteRequest) => Promise<string | undefined>, saved: (post: ApiPost) => void,
) {
  return new Router()
    .get('/posts', describe({ summary: 'List the posts', tags: ['posts'], responses: { 200: z.array(PostOut) } }),
      function listPostsJson() { return [...posts.values()].map(shown) })
    .get('/posts/:post', describe({ summary: 'Read a post', tags: ['posts'], responses: { 200: PostOut, 404: { description: 'No such post' } } }),
      validate({ params: Slug }),
      function readPostJson(req) {
        const post = posts.get(req.valid.params.post)
        if (post === undefined) throw new HttpError(404, `there is no post "${req.valid.params.post}"`)
        return shown(post)
      })
    .patch('/posts/:post', describe({ summary: 'Change a post', tags: ['posts'], responses: { 200: PostOut, 401: { description: 'Not logged in' } } }),
      validate({ params: Slug, body: PostChange }),
      async function changePostJson(req) {
        const user = await currentUser(req)
        if (user === undefined) throw new HttpError(401, 'log in first')
        const post = posts.get(req.valid.params.post)
        if (post === undefined) throw new HttpError(404, `there is no post "${req.valid.params.post}"`)
        const { title, body } = req.valid.body
        if (title !== undefined) post.title = title
        if (body !== undefined) post.body = body
        post.editor = user
        saved(post)
        return shown(post)
      })
    .get('/openapi.json', function openapiDocument() {
      return openapi(app, { info: { title: 'routechain blog', version: '1.0.0', description: 'The blog example: HTML pages and a JSON API.' } })
    })
}
