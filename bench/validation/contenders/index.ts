// The validation contenders, the baseline first.
import type { ValidationContender } from '../spec.js'
import { fastifyAjv } from './fastify.js'
import { honoZod } from './hono.js'
import { raw } from './raw.js'
import { routechainValibot, routechainZod } from './routechain.js'

export const VALIDATION_CONTENDERS: readonly ValidationContender[] = [raw, routechainZod, routechainValibot, fastifyAjv, honoZod]
