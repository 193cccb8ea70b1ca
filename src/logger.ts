/** Where routechain writes its logs: `console` by default; pino, winston and the like fit as they are. */
export interface Logger {
  error(...args: unknown[]): void
  warn(...args: unknown[]): void
  info(...args: unknown[]): void
  debug(...args: unknown[]): void
}
