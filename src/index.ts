// Apps and routing
export { App, createApp, type CloseOptions, type FetchHandler, type ListenOptions, type ListeningServer } from './http/app.js'
export type { InProcessInit } from './http/in-process.js'
export type { FetchInfo } from './http/web-transport.js'
export type { AppOptions } from './http/app-options.js'
export type { TrustProxy } from './http/proxy.js'
export type { ErrorHandler } from './http/error-reply.js'
export { Router, type Method, type Mountable } from './core/router.js'
export type { RouteEntry, RoutingOptions } from './core/route-table.js'
export type { RequestEvent, StepEvent } from './http/channels.js'
export type { Params } from './core/params.js'
export type { Logger } from './util/logger.js'

// Steps and chains
export { defineStep, bodyLimit, type Step } from './core/step.js'
export { csrf, type CsrfOptions } from './http/csrf.js'
export { ready, type ReadyOptions } from './http/ready.js'
export type { Next } from './core/step.js'

// Requests
export type { RouteRequest, MatchedRequest, Query, AnyParams } from './http/route-request.js'
export type { BodyOptions, FormFields, FormOptions, JsonOptions } from './http/body.js'
export type { Multipart } from './http/multipart.js'
export type { CollectedForm, MultipartField, MultipartFile, MultipartOptions, MultipartPart, SavedFile } from './http/multipart-parts.js'
export type { MultipartLimits } from './http/multipart-limits.js'

// Replies
export { Reply, json, text, html, reply, type ReplyInit, type ReplyBody } from './http/reply.js'
export { redirect } from './http/redirect.js'

// Sessions
export { Session, type SessionData, type KnownSessionData } from './session/session.js'
export type { SessionOptions } from './session/phase.js'
export { SessionGoneError, type SaveOptions, type SessionStorage, type StorageContext, type StoredSession } from './session/storage.js'
export type { CookieOptions } from './session/cookie.js'
export { EncryptedCookieStorage, type EncryptedCookieOptions } from './session/encrypted.js'
export { NaClCookieStorage, type NaClCookieOptions } from './session/nacl.js'
export { SimpleCookieStorage } from './session/simple.js'
export { MemoryStorage, type MemoryStorageOptions } from './session/memory.js'
export { RedisStorage, type RedisClientLike, type RedisStorageOptions } from './session/redis.js'
export {
  MemoryRevocations, RedisRevocations, type MemoryRevocationsOptions, type RedisRevocationsOptions, type RevocationList,
} from './session/revocation.js'
export { generateKey, type KeyInput } from './session/keys.js'

// Sealed secrets
export {
  generateSealKeyPair, SEALED_KEY_HEADER, sealKeyId, sealValue, SealedValueError, SealKeyRing, type PublishedSealKey,
  type SealKeyInput, type SealKeyPair,
} from './sealed/seal-key-ring.js'
export { openSealed, publishSealKey } from './sealed/open-sealed.js'
export { sealFields } from './sealed/seal-fields.js'

// Rate limits
export { MemoryRateStore, rateLimit, RedisRateStore, type RateCount, type RateLimitOptions, type RateStore, type RedisRateStoreOptions } from './http/rate-limit.js'

// Cross-origin requests
export { cors, type CorsOptions, type CorsOrigin } from './http/cors.js'

// Express/connect middleware
export { fromConnect, type ConnectMiddleware, type FromConnectOptions } from './connect/from-connect.js'

// WebSockets
export type { WebSocketOptions } from './websocket/options.js'
export type { WebSocketHandler } from './core/route-types.js'

// Validation and OpenAPI
export { validate, type ValidateOptions, type Validated, type ValidationSchemas } from './validation/validate.js'
export { ValidationError, type ValidationIssue, type ValidationPart } from './validation/validation-error.js'
export { describe, type ResponseDescription, type RouteDescription } from './validation/describe.js'
export { openapi, type OpenApiDocument, type OpenApiOptions } from './openapi/openapi.js'

// Errors
export { RoutechainError } from './errors.js'
export { HttpError, type HttpErrorOptions } from './http/http-error.js'
export { PROBLEM_TYPE, type ErrorFormat, type ProblemDocument } from './http/problem.js'
