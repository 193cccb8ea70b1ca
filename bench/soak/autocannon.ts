// The fallback when wrk is not installed: autocannon in this process, the same mix and the same answer checks.
import autocannon from 'autocannon'
import type { AccountAnswer } from './spec.js'
import type { LoadOutcome, SoakLoad } from './outcome.js'

/** What is wrong with one answer, as the wrk script judges it: undefined when it is right; 'saved' counts a save. */
function judge(status: number, body: string, setCookie: unknown): 'non2xx' | 'wrong' | 'saved' | undefined {
  if (status < 200 || status > 299) return 'non2xx'
  let answer: Partial<AccountAnswer>
  try {
    answer = JSON.parse(body) as Partial<AccountAnswer>
  } catch {
    return 'wrong'
  }
  if (answer.changed === true) return setCookie === undefined ? 'wrong' : 'saved'
  return answer.changed === false && setCookie === undefined ? undefined : 'wrong'
}

/** Runs autocannon once; with `stopAfter` it sends that many requests, stopped at `seconds` if they take longer. */
export function runAutocannon(load: SoakLoad): Promise<LoadOutcome> {
  const { mix } = load
  let next = 0
  let non2xx = 0
  let wrong = 0
  let saves = 0
  const request: autocannon.Request = {
    setupRequest: (req) => {
      const r = mix[next++ % mix.length]
      if (r === undefined) throw new Error('the mix is empty')
      return { ...req, method: r.method, path: r.path, headers: { ...req.headers, cookie: r.cookie }, ...(r.method === 'POST' ? { body: '' } : {}) }
    },
    onResponse: (status, body, _context, headers) => {
      const verdict = judge(status, body, headers?.['set-cookie'] ?? headers?.['Set-Cookie'])
      if (verdict === 'non2xx') non2xx++
      else if (verdict === 'wrong') wrong++
      else if (verdict === 'saved') saves++
    },
  }
  const bounded = load.stopAfter !== undefined
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: `http://127.0.0.1:${load.port}`, connections: load.connections, timeout: 5, requests: [request],
      ...(bounded ? { amount: load.stopAfter } : { duration: load.seconds }),
    }, (error: unknown, result: autocannon.Result) => {
      clearTimeout(bound)
      if (error !== null && error !== undefined) return reject(error instanceof Error ? error : new Error(String(error)))
      const requests = result.requests.total
      const socket = result.errors - result.timeouts
      resolve({
        loader: 'autocannon', requests, seconds: result.duration, rps: requests / result.duration,
        p50ms: result.latency.p50, p99ms: result.latency.p99,
        errors: { socket, socketDetail: `errors ${socket} (autocannon does not split them)`, timeout: result.timeouts, non2xx, wrongAnswer: wrong },
        saves, reachedTarget: !bounded || requests >= (load.stopAfter ?? 0),
      })
    })
    // amount overrides duration in autocannon: keep the time bound by hand
    const bound = setTimeout(() => instance.stop(), bounded ? load.seconds * 1000 : (load.seconds + 30) * 1000)
  })
}
