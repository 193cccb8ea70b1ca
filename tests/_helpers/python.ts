// The Python side of the interop tests: Debian's python3 running a script from tests/_helpers (the scripts stay
// in the source tree; the compiled tests find them from .build/tests/_helpers/ or any other outDir as deep).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as assert from 'uvu/assert'
import { startServerProcess, type ServerProcess } from '../../bench/server-process.js'
import { runCommand } from './process.js'

/** Debian's python3: the python3 first on PATH may not have the modules. */
export const PYTHON = '/usr/bin/python3'

/**
 * tests/_helpers/aiohttp_app.py: the real aiohttp_session behind /get, /set, /del and /invalidate. Arguments:
 * STORAGE (encrypted | nacl | simple | redis), KEY (the key; the redis-server's port for redis), COOKIE_NAME, PORT.
 */
export const AIOHTTP_APP = fileURLToPath(new URL('../../../tests/_helpers/aiohttp_app.py', import.meta.url))

/**
 * tests/_helpers/sealed_box.py: libsodium's crypto_box_seal through PyNaCl's SealedBox; one JSON request on
 * stdin, one JSON answer on stdout (the script's docstring has both shapes).
 */
export const SEALED_BOX = fileURLToPath(new URL('../../../tests/_helpers/sealed_box.py', import.meta.url))

/** Runs `script` once with Debian's python3, `input` as JSON on stdin; returns what it printed, parsed as JSON. */
export function runPythonJson<T>(script: string, input: unknown): T {
  assert.ok(existsSync(script), `the Python script is missing at ${script}`)
  const run = spawnSync(PYTHON, [script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    timeout: 30_000,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  })
  if (run.error !== undefined) throw run.error
  assert.is(run.status, 0, `${basename(script)} exited with ${run.status ?? run.signal}:\n${run.stderr}`)
  return JSON.parse(run.stdout) as T
}

/**
 * As {@link runPythonJson}, without blocking this process: for a script that talks to a server running here.
 * Stopped by its PID after 30 s.
 */
export async function runPythonJsonAsync<T>(script: string, input: unknown): Promise<T> {
  assert.ok(existsSync(script), `the Python script is missing at ${script}`)
  const run = await runCommand(PYTHON, [script], JSON.stringify(input), { ...process.env, PYTHONDONTWRITEBYTECODE: '1' })
  if (run.code !== 0) throw new Error(`${basename(script)} exited with ${run.code ?? run.signal}:\n${run.stderr}`)
  try {
    return JSON.parse(run.stdout) as T
  } catch (error) {
    throw new Error(`${basename(script)} printed no JSON: ${run.stdout}\n${run.stderr}`, { cause: error })
  }
}

/**
 * Starts `script args` with Debian's python3, unbuffered; resolves once it has printed the port it bound
 * (pass '0' for a free one), rejects if that has not happened within 10 s.
 */
export async function startPythonApp(script: string, args: readonly string[]): Promise<ServerProcess> {
  assert.ok(existsSync(script), `the Python app is missing at ${script}`)
  return startServerProcess(`the Python app ${basename(script)}`, PYTHON, [script, ...args], {
    ...process.env,
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
  })
}
