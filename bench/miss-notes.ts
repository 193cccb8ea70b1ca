// What profiling showed for each target this machine can miss: printed under the targets a run did not meet.

/** Notes keyed by the start of a target's name. */
export const MISS_NOTES: readonly (readonly [prefix: string, note: string])[] = [
  ['HTTP GET / ≥', 'GET / does the least work of any route, so the per-round spread (often 0.85–1.6 on this shared VM) is larger than the gap. Server CPU per request is the steadier figure: compare the CPU column, where routechain and raw node:http are within a few per cent. routechain adds one find-my-way lookup, one request object and the chain call over raw node:http.'],
  ['HTTP GET /post/:id', 'The same noise as GET / applies; see the CPU column.'],
  ['3-step async chain faster than koa-compose', 'Both await each step on a native promise; routechain runs the rest of an async chain in one async function (no promise per step), so the two sit at parity and the verdict flips between runs with the machine\'s noise. Earlier runs here measured 0.5–0.7 × koa-compose.'],
  ['3-step sync chain', 'The floor is three direct calls the JIT inlines; the chain calls through an array at one shared call site, as it must in an app with many routes.'],
  ['Lookup among', 'routechain passes find-my-way the raw query string instead of letting it parse one per lookup; a miss here is noise.'],
  ['Registering 10,000 routes', 'Chains are composed on a route\'s first request, so registering costs what find-my-way\'s own on() costs plus one array per route.'],
  ['Sessions: one repeated', 'Per request, a cache hit costs ~0.6 µs (the verified value\'s JSON is parsed again so nested values can be changed safely) plus the session object; server CPU per request is within a few per cent of the route without a session, and the throughput ratio moves with the machine\'s noise around 0.9.'],
  ['Sessions: a distinct encrypted cookie', 'Every request decrypts: Fernet, fixed by compatibility with aiohttp_session, needs two node:crypto objects per token (HMAC-SHA256, then AES-128-CBC), and creating each costs ~2–3 µs under OpenSSL 3, for ~9 µs a decode against ~5 µs for AES-GCM by hand (one object) and ~2.5 µs for @fastify/secure-session (native libsodium). Node 20 has no cheaper HMAC or CBC. For the fastest cookie sessions use NaClCookieStorage or a server-side storage (see the table); a pure-JS HMAC would cut ~2 µs and is left for later.'],
]
