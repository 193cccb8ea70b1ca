// Server programs the benches, tests and examples start (the Python aiohttp apps, the scale-out workers): each
// listens on 127.0.0.1, port 0, and prints the port it bound as its first line on stdout once it accepts
// connections.
import { spawn } from 'node:child_process'
import { stopChild } from './child.js'

/** How long a server process may take to print its port. */
const STARTUP_MS = 10_000

/** A running server process. */
export interface ServerProcess {
  /** How messages name it, e.g. "the aiohttp app" or "worker A (ioredis)". */
  readonly name: string
  readonly url: string
  readonly pid: number
  /** What the process wrote to stderr so far (its log). */
  stderr(): string
  /** SIGTERM, then SIGKILL if it has not gone after 2 s. Safe to call twice. */
  stop(): Promise<void>
}

/** Starts `command args`; rejects (having stopped it) if it exits or has not printed its port within 10 s. */
export async function startServerProcess(
  name: string,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServerProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env })
  let stdout = ''
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const stop = (): Promise<void> => stopChild(child, 2000)
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not print its port within ${STARTUP_MS} ms; stderr:\n${stderr}`)), STARTUP_MS)
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk
        const line = /^(\d+)\r?\n/.exec(stdout)
        if (line !== null) {
          clearTimeout(timer)
          resolve(Number(line[1]))
        }
      })
      child.once('error', (error) => {
        clearTimeout(timer)
        reject(error)
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new Error(`${name} exited (${code ?? signal}) before listening; stdout:\n${stdout}\nstderr:\n${stderr}`))
      })
    })
    return { name, url: `http://127.0.0.1:${port}`, pid: child.pid as number, stderr: () => stderr, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
