// Judges each request's outcome and keeps the counts: statuses, requests left unanswered and why, meant and
// unexpected 5xx, hangs, and what the session routes said about the cookies they were sent.
import { MEANT_HEADER, SESSION_COOKIE, SESSION_HEADER } from './app.js'
import { carriesGenuineToken, cookieHeadersIn } from './cookie.js'
import { CATEGORIES, type Category, type FuzzRequest } from './generate.js'
import type { Outcome } from './raw-client.js'

/** A request worth a closer look, with what is needed to send it again. */
export interface Finding {
  readonly index: number
  readonly label: string
  /** What happened, e.g. "500 without the meant header" or "no answer within 5000 ms". */
  readonly what: string
  /** The request as a JSON string literal (control bytes escaped), cut at {@link PREVIEW_CHARS} characters. */
  readonly preview: string
  readonly size: number
  /** How it was sent: half-closed after writing, and where the writes were split. */
  readonly halfClose: boolean
  readonly splits: readonly number[]
  /** The exact bytes, base64 (empty when the request is larger than {@link EXACT_BYTES}). */
  readonly base64: string
}

/** How many characters of a request a finding shows. */
export const PREVIEW_CHARS = 1500
/** Requests up to this size keep their exact bytes in a finding. */
export const EXACT_BYTES = 64 * 1024
/** How many findings of each kind are kept. */
const MAX_FINDINGS = 10

/** Counts for one category of request. */
export interface CategoryCounts {
  sent: number
  '2xx': number
  '3xx': number
  '4xx': number
  '5xx': number
  unanswered: number
}

/** What the session routes said, judged against the cookies each request carried. */
export interface SessionCounts {
  /** A session loaded, and the request carried a genuine token: as it should be. */
  genuineLoaded: number
  /** No session loaded although a genuine token was among the cookies (a decoy came first, say). */
  genuineFresh: number
  /** No genuine token in the request, and no session loaded: a tampered or garbage cookie refused. */
  tamperedRefused: number
  /** A session loaded from a request with no genuine token: a tampered cookie accepted. Must be 0. */
  tamperedAccepted: number
}

/** Turns a request's bytes into a finding. */
export function findingOf(request: FuzzRequest, what: string): Finding {
  const text = request.bytes.toString('latin1')
  const preview = JSON.stringify(text.length > PREVIEW_CHARS ? text.slice(0, PREVIEW_CHARS) : text) + (text.length > PREVIEW_CHARS ? ` … (${text.length} bytes in all)` : '')
  return {
    index: request.index, label: request.label, what, preview, size: request.bytes.length, halfClose: request.halfClose, splits: request.splits,
    base64: request.bytes.length <= EXACT_BYTES ? request.bytes.toString('base64') : '',
  }
}

function emptyCategories(): Record<Category, CategoryCounts> {
  const counts = {} as Record<Category, CategoryCounts>
  for (const category of CATEGORIES) counts[category] = { sent: 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, unanswered: 0 }
  return counts
}

/** The running counts of a fuzz run. */
export class Tally {
  /** Requests whose outcome was recorded. */
  sent = 0
  /** Responses by status code. */
  readonly byStatus: Record<string, number> = {}
  /** Counts per category of request. */
  readonly categories = emptyCategories()
  /** The server closed the connection without a response. */
  closed = 0
  /** The connection was reset before a response. */
  reset = 0
  /** A response whose body was cut off, the client having kept its side of the connection open. */
  truncated = 0
  /** A response cut off after the client half-closed: node:http (allowHalfOpen false) ends the connection. */
  truncatedAfterHalfClose = 0
  /** No answer in time to a request that was incomplete or ambiguous on purpose (the server may wait). */
  unansweredIncomplete = 0
  /** No answer in time to a complete, framed request: the server hung on it. */
  hangs = 0
  /** Bytes back that are not HTTP. */
  garbled = 0
  /** In flight when the target crashed, or sent while it was down. */
  lostToCrash = 0
  /** 500s of the route that throws on purpose. */
  meant5xx = 0
  unexpected5xx = 0
  /** What the session routes said about the cookies they were sent. */
  readonly session: SessionCounts = { genuineLoaded: 0, genuineFresh: 0, tamperedRefused: 0, tamperedAccepted: 0 }
  /** The first few requests of each kind worth a closer look. */
  readonly findings: { unexpected5xx: Finding[]; hangs: Finding[]; tamperedAccepted: Finding[]; garbled: Finding[]; truncated: Finding[] } = {
    unexpected5xx: [], hangs: [], tamperedAccepted: [], garbled: [], truncated: [],
  }

  /** `tokens`: the genuine session cookie values, to judge what the session routes answer. */
  constructor(private readonly tokens: readonly string[]) {}

  /** Counts one request's outcome. `lostToCrash`: the target went down while it was in flight. */
  record(request: FuzzRequest, outcome: Outcome, lostToCrash: boolean): void {
    this.sent++
    const category = this.categories[request.category]
    category.sent++
    if (lostToCrash || outcome.kind === 'refused') {
      this.lostToCrash++
      category.unanswered++
      return
    }
    switch (outcome.kind) {
      case 'closed': this.closed++; break
      case 'reset': this.reset++; break
      case 'garbled':
        this.garbled++
        this.#keep(this.findings.garbled, request, `the answer is not HTTP: ${outcome.reason}`)
        break
      case 'timeout':
        if (request.framed && !outcome.started) {
          this.hangs++
          this.#keep(this.findings.hangs, request, 'no answer within the time limit to a complete request')
        } else if (request.framed) {
          this.hangs++
          this.#keep(this.findings.hangs, request, 'the response started but did not finish within the time limit')
        } else {
          this.unansweredIncomplete++
        }
        break
      case 'response': {
        this.#response(request, outcome.response.status, outcome.response.headers, category)
        if (outcome.truncated && request.halfClose) {
          this.truncatedAfterHalfClose++ // node:http ends the connection when the client half-closes it
        } else if (outcome.truncated) {
          this.truncated++
          this.#keep(this.findings.truncated, request, `the ${outcome.response.status} response was cut short`)
        }
        return
      }
    }
    category.unanswered++
  }

  #response(request: FuzzRequest, status: number, headers: Readonly<Record<string, string>>, category: CategoryCounts): void {
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1
    const klass = `${Math.floor(status / 100)}xx`
    if (klass === '2xx' || klass === '3xx' || klass === '4xx' || klass === '5xx') category[klass]++
    if (status >= 500) {
      if (headers[MEANT_HEADER] === '1') {
        this.meant5xx++
      } else {
        this.unexpected5xx++
        this.#keep(this.findings.unexpected5xx, request, `${status} from a route that does not fail on purpose`)
      }
    }
    const said = headers[SESSION_HEADER]
    if (said === undefined) return
    const genuine = carriesGenuineToken(cookieHeadersIn(request.bytes), SESSION_COOKIE, this.tokens)
    if (said === 'loaded') {
      if (genuine) {
        this.session.genuineLoaded++
      } else {
        this.session.tamperedAccepted++
        this.#keep(this.findings.tamperedAccepted, request, 'a session loaded although no cookie in the request is a genuine token')
      }
    } else if (genuine) {
      this.session.genuineFresh++
    } else {
      this.session.tamperedRefused++
    }
  }

  #keep(list: Finding[], request: FuzzRequest, what: string): void {
    if (list.length < MAX_FINDINGS) list.push(findingOf(request, what))
  }
}
