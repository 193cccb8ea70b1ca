/** What `app.request()` takes besides the input: a `RequestInit`, and the client address the app sees. */
export interface InProcessInit extends RequestInit {
  /** `req.ip` for this request (and the peer `trustProxy` starts from). @default '127.0.0.1' */
  ip?: string
}

const BASE = 'http://localhost'

/**
 * Builds the web `Request` that `app.request(input, init)` serves: a path is taken against
 * `http://localhost`, a stream body is sent half-duplex. Input that no Request can be made of (a URL that does
 * not parse, a GET with a body) comes back as the error, to be answered 400 as over HTTP.
 */
export function toWebRequest(input: string | URL | Request, init: RequestInit | undefined): Request | Error {
  try {
    const options: RequestInit | undefined = init?.body instanceof ReadableStream && !('duplex' in init)
      ? { ...init, duplex: 'half' } as RequestInit
      : init
    if (input instanceof Request) return options === undefined ? input : new Request(input, options)
    const url = typeof input === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(input)
      ? BASE + (input.startsWith('/') ? input : `/${input}`)
      : input
    return new Request(url, options)
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error))
  }
}
