import { createApp, defineStep, openSealed, SealKeyRing, type Step, type RouteRequest } from '../src/index.js'
declare const ring: SealKeyRing
const app = createApp()
const st = openSealed(ring, ['a'])
app.put('/s/:name', st, (req) => req.sealed.a)
app.put('/t/:name', openSealed(ring, ['a']), (req) => req.sealed.a)
declare function mk<const F extends string>(f: readonly F[]): Step<RouteRequest, { sealed: Record<F, string> }>
app.put('/u/:name', mk(['a']), (req) => req.sealed.a)
declare function mk2(f: readonly string[]): Step<RouteRequest, { sealed: Record<'a', string> }>
app.put('/v/:name', mk2(['a']), (req) => req.sealed.a)
void defineStep
