// In-process: route lookup through routechain against find-my-way alone, and registering 10,000 routes.
import FindMyWay from 'find-my-way'
import { do_not_optimize } from 'mitata'
import { compose } from '../src/core/chain.js'
import { createApp } from '../src/index.js'
import { RouteTable } from '../src/core/route-table.js'
import { Router, routerState } from '../src/core/router.js'
import { timeInRounds, type TimedCase } from './dispatch.js'

// A small API's worth of routes, static and parametric, like the ones real services have.
const API = [
  '/', '/health', '/login', '/logout', '/users', '/users/:userId', '/users/:userId/posts', '/users/:userId/posts/:postId',
  '/posts', '/posts/:id', '/posts/:id/comments', '/posts/:id/comments/:commentId', '/search', '/tags/:tag',
  '/orgs/:org/repos', '/orgs/:org/repos/:repo', '/orgs/:org/repos/:repo/issues/:number', '/static/*',
]
const LOOKUPS = ['/posts/42', '/users/7/posts/9', '/health', '/orgs/acme/repos/web/issues/12', '/static/app.js']

function handler(): string {
  return 'ok'
}

function manyPaths(count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i % 2 === 0 ? `/r${i}/items/:id` : `/api/v${i % 7}/res${i}`))
}

function routechainTable(paths: readonly string[]): RouteTable {
  const router = new Router()
  for (const path of paths) router.get(path, handler)
  return new RouteTable(router[routerState], {}, (route) => compose(route.steps))
}

function findMyWayTable(paths: readonly string[]): FindMyWay.Instance<FindMyWay.HTTPVersion.V1> {
  const router = FindMyWay()
  for (const path of paths) router.on('GET', path, handler)
  return router
}

/** Runs the lookup and registration cases. */
export async function benchRouting(quick: boolean): Promise<TimedCase[]> {
  const fmw = findMyWayTable(API)
  const ours = routechainTable(API)
  const paths = manyPaths(10_000)
  const bigFmw = findMyWayTable(paths)
  const bigOurs = routechainTable(paths)
  const probes = ['/r5000/items/1', '/api/v3/res9999', '/r0/items/x', '/api/v1/res1', '/r9998/items/77']
  const small = `lookup among ${API.length} routes (${LOOKUPS.length} paths)`
  return timeInRounds([
    [small, 'find-my-way find()', () => { for (const path of LOOKUPS) do_not_optimize(fmw.find('GET', path)) }],
    [small, 'routechain lookup', () => { for (const path of LOOKUPS) do_not_optimize(ours.find('GET', path)) }],
    ['register 10,000 routes', 'find-my-way on()', () => do_not_optimize(findMyWayTable(paths))],
    ['register 10,000 routes', 'routechain app.get() + build', () => {
      const app = createApp()
      for (const path of paths) app.get(path, handler)
      do_not_optimize(app.handler)
    }],
    ['lookup among 10,000 routes', 'find-my-way find()', () => { for (const path of probes) do_not_optimize(bigFmw.find('GET', path)) }],
    ['lookup among 10,000 routes', 'routechain lookup', () => { for (const path of probes) do_not_optimize(bigOurs.find('GET', path)) }],
  ], quick)
}
