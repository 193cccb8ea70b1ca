import { configError } from '../errors.js'
import { HttpError } from './http-error.js'
import { Reply } from './reply.js'

function redirectTo(location: string, status = 303): Reply {
  if (!Number.isInteger(status) || status < 300 || status > 399) configError(`redirect() takes a 3xx status, got ${String(status)}`)
  return new Reply(null, status, { location })
}

const LOCAL_BASE = 'http://routechain.invalid'

/** Whether a target is a path on this site that no browser reads as another host (`//evil`, `/\\evil`, `/\t/evil`). */
function isLocalPath(target: string): boolean {
  if (target.charCodeAt(0) !== 47 /* '/' */ || target.charCodeAt(1) === 47 || target.includes('\\')) return false
  // browsers drop tabs and newlines from URLs, so '/\t/evil' would become '//evil'; refuse every control character
  for (let i = 0; i < target.length; i++) {
    const code = target.charCodeAt(i)
    if (code <= 0x20 || code === 0x7f) return false
  }
  try {
    return new URL(target, LOCAL_BASE).origin === LOCAL_BASE
  } catch {
    return false
  }
}

function redirectLocal(target: string, status = 303): Reply {
  if (typeof target !== 'string' || !isLocalPath(target)) {
    throw new HttpError(400, 'the redirect target must be a path on this site')
  }
  return redirectTo(target, status)
}

/**
 * A redirect. 303 (See Other) by default, which makes the browser follow with GET: right after a form POST.
 * The location goes out as given, another site included: for a target that comes from the request (a
 * `?next=` parameter), use `redirect.local(target)`, which takes only a path on this site and answers 400
 * for anything else (`//evil.example`, `/\\evil.example`, `https://evil.example`).
 * @example return redirect('/login')
 * @example return redirect.local(String(req.query.next ?? '/'))
 */
export const redirect: {
  (location: string, status?: number): Reply
  /** A redirect to a path on this site only; 400 for any other target. @default status 303 */
  local(target: string, status?: number): Reply
} = Object.assign(redirectTo, { local: redirectLocal })
