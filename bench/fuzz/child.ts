// The fuzz target's process: `fork()`ed by the fuzzer. Builds the target app with the session key from
// FUZZ_SESSION_KEY, listens on 127.0.0.1 (a free port), says so over IPC, and answers requests for its
// figures. It installs no handler for uncaught errors: if routechain lets one escape, the process dies and
// the fuzzer counts a crash. It also exits when the fuzzer goes away (the IPC channel closes).
import { buildTargetApp } from './app.js'
import { KEY_VARIABLE, type FromTarget, type ToTarget } from './ipc.js'
import { CountingLogger } from './log-counter.js'

function send(message: FromTarget): void {
  process.send?.(message)
}

const key = process.env[KEY_VARIABLE]
if (key === undefined || process.send === undefined) {
  process.stderr.write(`fuzz target: start me through child_process.fork() with ${KEY_VARIABLE} set\n`)
  process.exit(2)
}

const logger = new CountingLogger()
const { app, counters } = buildTargetApp(key, logger)
await app.listen({ port: 0, host: '127.0.0.1' })

process.on('message', (message: ToTarget) => {
  if (message.type !== 'stats') return
  const memory = process.memoryUsage()
  send({ type: 'stats', id: message.id, stats: { rss: memory.rss, heapUsed: memory.heapUsed, log: logger.counts, counters } })
})
process.on('disconnect', () => process.exit(0))
send({ type: 'ready', port: app.port as number })
