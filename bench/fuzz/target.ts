// The fuzzer's side of the target process: starts it with child_process.fork(), waits for its port, asks it
// for its figures over IPC, notices when it exits, and stops it.
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { KEY_VARIABLE, type FromTarget, type TargetStats, type ToTarget } from './ipc.js'

/** How long the target may take to start listening. */
const STARTUP_MS = 15_000
/** How much of the target's stderr to keep (its last bytes), to show with a crash. */
const STDERR_KEEP = 8 * 1024

/** How the target's process ended. */
export interface TargetExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** The end of what it wrote to stderr (an uncaught error's stack, for one). */
  readonly stderr: string
}

/** A running target process. */
export interface Target {
  readonly pid: number
  readonly port: number
  /** Resolves when the process exits, for whatever reason. */
  readonly exited: Promise<TargetExit>
  /** Whether the process is still running. */
  alive(): boolean
  /** Asks the process for its figures; `undefined` if it does not answer within `timeoutMs`. */
  stats(timeoutMs?: number): Promise<TargetStats | undefined>
  /** Ends the process (SIGTERM, then SIGKILL after 2 s) and waits for it to go. Safe to call twice. */
  stop(): Promise<void>
}

const CHILD_SCRIPT = fileURLToPath(new URL('./child.js', import.meta.url))

/** Starts the target in a child process with session key `key` and resolves once it listens. */
export async function startTarget(key: string): Promise<Target> {
  const child = fork(CHILD_SCRIPT, [], {
    env: { ...process.env, [KEY_VARIABLE]: key },
    execArgv: ['--enable-source-maps'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP)
  })
  const exited = new Promise<TargetExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal, stderr }))
  })
  const pending = new Map<number, (stats: TargetStats) => void>()
  let nextId = 1
  child.on('message', (message: FromTarget) => {
    if (message.type === 'stats') pending.get(message.id)?.(message.stats)
  })

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the fuzz target did not listen within ${STARTUP_MS} ms; stderr:\n${stderr}`)), STARTUP_MS)
    const onMessage = (message: FromTarget): void => {
      if (message.type !== 'ready') return
      clearTimeout(timer)
      child.off('message', onMessage)
      resolve(message.port)
    }
    child.on('message', onMessage)
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    void exited.then((exit) => {
      clearTimeout(timer)
      reject(new Error(`the fuzz target exited (${exit.code ?? exit.signal}) before listening; stderr:\n${exit.stderr}`))
    })
  }).catch(async (error: unknown) => {
    await stopChild(child, exited)
    throw error
  })

  const alive = (): boolean => child.exitCode === null && child.signalCode === null
  return {
    pid: child.pid as number,
    port,
    exited,
    alive,
    stats(timeoutMs = 2000) {
      if (!alive() || !child.connected) return Promise.resolve(undefined)
      const id = nextId++
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id)
          resolve(undefined)
        }, timeoutMs)
        pending.set(id, (stats) => {
          clearTimeout(timer)
          pending.delete(id)
          resolve(stats)
        })
        const message: ToTarget = { type: 'stats', id }
        child.send(message, (error) => {
          if (error === null) return
          clearTimeout(timer)
          pending.delete(id)
          resolve(undefined)
        })
      })
    },
    stop: () => stopChild(child, exited),
  }
}

async function stopChild(child: ChildProcess, exited: Promise<TargetExit>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
  await exited
  clearTimeout(timer)
}
