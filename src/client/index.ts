// routechain/client: an HTTP client on undici whose middlewares are chains, as routes are on the server.
export { Client, createClient, type ClientOptions } from './client.js'
export type { CallOptions, RequestInit } from './call-options.js'
export type { ClientMiddleware, ClientNext } from './middleware.js'
export type { ClientRequest, QueryFields, RequestBody, RequestOptions } from './request.js'
export type { PathParams } from './path-params.js'
export type {
  AppRoutes, ClientMethod, JsonOf, RouteCallOptions, RoutePaths, RouteResponse, SuccessStatus, TypedClient, TypedResponse,
  TypedVerb, UnsuccessfulStatus, ValidationProblem,
} from './typed-client.js'
export { ClientResponse, type ClientResponseInit } from './response.js'
export {
  BlockedAddressError, ClientClosedError, ClientError, ConnectionError, HttpStatusError, RequestAbortedError,
  RequestTimeoutError, TooManyRedirectsError,
} from './errors.js'
export { retry, type RetryOptions } from './middleware/retry.js'
export { logRequests, type RequestLogEntry, type RequestLogSink } from './middleware/log.js'
export { refreshTokenOn401, type RefreshOn401Options } from './middleware/refresh-on-401.js'
export { refreshTokenBeforeExpiry, type ExpiringToken, type RefreshBeforeExpiryOptions } from './middleware/refresh-before-expiry.js'
export { blockPrivateAddresses, type BlockPrivateAddresses, type BlockPrivateAddressesOptions } from './middleware/block-private-addresses.js'
export { digestAuth } from './middleware/digest-auth.js'
export { sealBodyFields, type SealBodyFieldsOptions } from './middleware/seal-body-fields.js'
export { sealFields } from '../sealed/seal-fields.js'
export type { PublishedSealKey } from '../sealed/seal-key-ring.js'
