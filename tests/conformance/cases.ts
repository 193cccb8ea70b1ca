// The conformance case table: every case runs, unchanged, against node:http, app.request() and app.fetch()
// (tests/conformance/conformance.test.ts), after hono's src/router/common.case.test.ts and h3's describeMatrix.
import type { Case } from './case.js'
import { conditionalCases } from './cases-conditional.js'
import { connectCases } from './cases-connect.js'
import { corsCases } from './cases-cors.js'
import { errorCases } from './cases-errors.js'
import { multipartCases } from './cases-multipart.js'
import { readyCases } from './cases-ready.js'
import { replyCases } from './cases-replies.js'
import { sessionCases } from './cases-sessions.js'
import { validationCases } from './cases-validation.js'

export type { Case, Exchange, Expected } from './case.js'
export { SESSION_COOKIE } from './cases-sessions.js'

export const CASES: readonly Case[] = [...replyCases, ...errorCases, ...sessionCases, ...validationCases, ...corsCases, ...conditionalCases, ...connectCases, ...multipartCases, ...readyCases]
