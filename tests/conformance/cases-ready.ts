// Conformance cases for ready() (#17): the readiness route a load balancer's health check calls answers 200
// while the app serves, and 503 with Retry-After when its own check fails, throws or rejects; never cached.
import { createApp, ready } from '../../src/index.js'
import { get, textAnswer, type Case } from './case.js'

const READY = { 'cache-control': 'no-store', 'retry-after': null }
const NOT_READY = { 'cache-control': 'no-store', 'retry-after': '1' }

export const readyCases: readonly Case[] = [
  {
    name: 'ready(): 200 "ready" while the app serves, with no-store',
    app: (logger) => createApp({ logger }).get('/ready', ready()),
    exchanges: [{ request: get('/ready'), expect: textAnswer('ready', 200, READY) }],
  },
  {
    name: 'ready({ check }): a check that says false, throws or rejects answers 503 "not ready" with Retry-After',
    app: (logger) => createApp({ logger })
      .get('/up', ready({ check: async () => true }))
      .get('/down', ready({ check: () => false }))
      .get('/throws', ready({ check: () => { throw new Error('redis is gone') } }))
      .get('/rejects', ready({ check: () => Promise.reject(new Error('redis is gone')) }))
      .get('/by-request', ready({ check: (req) => req.query.fine === 'yes' })),
    exchanges: [
      { request: get('/up'), expect: textAnswer('ready', 200, READY) },
      { request: get('/down'), expect: textAnswer('not ready', 503, NOT_READY) },
      { request: get('/throws'), expect: textAnswer('not ready', 503, NOT_READY) },
      { request: get('/rejects'), expect: textAnswer('not ready', 503, NOT_READY) },
      { request: get('/by-request?fine=yes'), expect: textAnswer('ready', 200, READY) },
      { request: get('/by-request?fine=no'), expect: textAnswer('not ready', 503, NOT_READY) },
    ],
  },
]
