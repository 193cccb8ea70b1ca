// A free TCP port on loopback, for a program that must be told its port before it starts (redis-server,
// haproxy, apache, an app a balancer points at). Another process may take it before that program binds it;
// the starters retry on another port when it does.
import { createServer, type AddressInfo } from 'node:net'

/** A port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.unref()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}
