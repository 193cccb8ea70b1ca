// The client part's case names, as the cases, the report and the targets read them (no imports, so the report
// and its tests do not load the client).

/** Case names; `undici` is the baseline every ratio is to. */
export const CASE_NAMES = {
  undici: 'undici.request (own Agent)',
  floor: 'Agent.request() (floor)',
  bare: 'createClient(), no middlewares',
  passThrough: 'createClient(), 3 pass-through middlewares',
  real: 'createClient(), [logRequests(() => {}), retry()]',
} as const
