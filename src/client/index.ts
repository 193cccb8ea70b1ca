// routechain/client: an HTTP client on undici whose middlewares are chains, as routes are on the server.
export { Client, createClient, type CallOptions, type ClientOptions, type RequestInit } from './client.js'
export type { ClientMiddleware, ClientNext } from './middleware.js'
export type { ClientRequest, QueryFields, RequestBody, RequestOptions } from './request.js'
export { ClientResponse, type ClientResponseInit } from './response.js'
export {
  BlockedAddressError, ClientError, ConnectionError, HttpStatusError, RequestAbortedError, RequestTimeoutError,
  TooManyRedirectsError,
} from './errors.js'
