import type { Contender } from '../spec.js'
import { expressContender } from './express.js'
import { fastify } from './fastify.js'
import { findMyWay } from './find-my-way.js'
import { h3 } from './h3.js'
import { hono } from './hono.js'
import { koa } from './koa.js'
import { raw } from './raw.js'
import { routechain, routechainTraced } from './routechain.js'

/** Every HTTP contender; the first is the baseline the others are divided by. */
export const CONTENDERS: readonly Contender[] = [raw, routechain, findMyWay, fastify, hono, koa, expressContender, h3, routechainTraced]
