// What the last step of a WebSocket route answers: not a response but a request to take the connection over.
// The core only carries it; the transport that serves upgrades performs the handshake and calls the handler.

/** The route-table method of WebSocket routes (`router.ws()`); `printRoutes()` shows it. */
export const WS_METHOD = 'WS'

/** The answer of a WebSocket route's chain once every step let it through: upgrade, then call `handler`. */
export class Upgrade {
  /** Called with the open socket and the request, once the handshake is done. */
  readonly handler: (socket: never, req: never) => unknown

  constructor(handler: (socket: never, req: never) => unknown) {
    this.handler = handler
  }
}

/** The step a WebSocket route ends with: it answers {@link Upgrade} with the route's handler. */
export function upgradeStep(handler: (socket: never, req: never) => unknown): () => Upgrade {
  const upgrade = new Upgrade(handler)
  const name = handler.name === '' ? 'websocket' : handler.name
  return Object.defineProperty(function websocket() { return upgrade }, 'name', { value: name })
}
