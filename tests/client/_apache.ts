// A private Apache httpd (Debian's apache2) with mod_auth_digest, for testing digestAuth() against a real
// server: its own config in a temp dir, Listen on a free 127.0.0.1 port, run in the foreground as a child.
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../bench/free-port.js'

/** Debian's path of the server binary. */
export const APACHE2 = '/usr/sbin/apache2'
const MODULES = '/usr/lib/apache2/modules'
const STARTUP_MS = 10_000

/** What the private server protects, and with what. */
export interface ApacheOptions {
  realm: string
  user: string
  password: string
  /** The file served at /<name>, behind Digest. */
  file: { name: string; content: string }
  /** AuthDigestNonceLifetime in seconds. @default 300 (apache's) */
  nonceLifetime?: number
}

/** A running private apache. */
export interface Apache {
  readonly url: string
  /** The access log so far: one line per request, "<status> <method> <path>". */
  accessLog(): Promise<string[]>
  /** The error log so far. */
  errorLog(): Promise<string>
  /** SIGTERM, then SIGKILL (its process group) after 2 s; removes the temp dir. Safe to call twice. */
  stop(): Promise<void>
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.setTimeout(500)
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => { socket.destroy(); resolve(false) })
    socket.once('timeout', () => { socket.destroy(); resolve(false) })
  })
}

function config(dir: string, port: number, options: ApacheOptions): string {
  const asRoot = process.getuid?.() === 0
  const module = (name: string, file: string): string => `LoadModule ${name}_module ${MODULES}/mod_${file}.so`
  return [
    `ServerRoot "${dir}"`,
    'ServerName 127.0.0.1',
    `Listen 127.0.0.1:${port}`,
    `PidFile "${dir}/httpd.pid"`,
    `DefaultRuntimeDir "${dir}"`,
    `ErrorLog "${dir}/error.log"`,
    'LogLevel warn auth_digest:info',
    'LogFormat "%>s %m %U%q" short',
    `CustomLog "${dir}/access.log" short`,
    module('mpm_event', 'mpm_event'),
    module('authz_core', 'authz_core'),
    module('authn_core', 'authn_core'),
    module('authn_file', 'authn_file'),
    module('authz_user', 'authz_user'),
    module('auth_digest', 'auth_digest'),
    // as root, apache drops to a user of its own for the workers
    ...(asRoot ? ['User www-data', 'Group www-data'] : []),
    'StartServers 1',
    'KeepAliveTimeout 2',
    `DocumentRoot "${dir}/htdocs"`,
    `<Directory "${dir}/htdocs">`,
    '  AuthType Digest',
    `  AuthName "${options.realm}"`,
    '  AuthDigestProvider file',
    `  AuthUserFile "${dir}/htdigest"`,
    // MD5 is all mod_auth_digest takes: SHA-256 and MD5-sess are refused as "Unsupported algorithm"
    '  AuthDigestAlgorithm MD5',
    '  AuthDigestNcCheck On',
    `  AuthDigestNonceLifetime ${options.nonceLifetime ?? 300}`,
    '  Require valid-user',
    '</Directory>',
    '',
  ].join('\n')
}

/** Ends the apache child: SIGTERM, then SIGKILL to its process group if it has not gone after 2 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL')
    } catch {
      child.kill('SIGKILL')
    }
  }, 2000)
  await exited
  clearTimeout(timer)
}

async function launch(dir: string, options: ApacheOptions): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort()
  const conf = join(dir, 'httpd.conf')
  await writeFile(conf, config(dir, port, options))
  // its own process group, so that a SIGKILL reaches the workers too
  const child = spawn(APACHE2, ['-f', conf, '-DFOREGROUND'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let output = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
  let exited = false
  child.once('exit', () => { exited = true })
  const spawned = new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined))
    child.once('error', (error) => resolve(error))
  })
  const failed = await spawned
  if (failed !== undefined) throw failed
  const deadline = Date.now() + STARTUP_MS
  while (Date.now() < deadline && !exited) {
    if (await accepts(port)) return { child, port }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await stopChild(child)
  const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '')
  throw new Error(`apache2 did not accept connections on port ${port} within ${STARTUP_MS} ms${exited ? ' (it exited)' : ''}:\n${output}\n${log}`)
}

/**
 * Starts a private apache2 serving one Digest-protected file. The password file is written here in htdigest's
 * format, `user:realm:MD5(user:realm:password)`. Rejects (having stopped it and removed its dir) when it does
 * not come up within 10 s; a port taken meanwhile is tried again, twice.
 */
export async function startApache(options: ApacheOptions): Promise<Apache> {
  const dir = await mkdtemp(join(tmpdir(), 'routechain-apache-'))
  try {
    // apache's workers run as www-data when started as root: they must reach the files
    await chmod(dir, 0o755)
    await mkdir(join(dir, 'htdocs'), { mode: 0o755 })
    await writeFile(join(dir, 'htdocs', options.file.name), options.file.content, { mode: 0o644 })
    const ha1 = createHash('md5').update(`${options.user}:${options.realm}:${options.password}`).digest('hex')
    await writeFile(join(dir, 'htdigest'), `${options.user}:${options.realm}:${ha1}\n`, { mode: 0o644 })
    let launched: { child: ChildProcess; port: number } | undefined
    for (let attempt = 1; launched === undefined; attempt++) {
      try {
        launched = await launch(dir, options)
      } catch (error) {
        if (attempt >= 3 || !/could not bind|Address already in use/i.test(String(error))) throw error
      }
    }
    const { child, port } = launched
    let stopped: Promise<void> | undefined
    return {
      url: `http://127.0.0.1:${port}`,
      accessLog: async () => (await readFile(join(dir, 'access.log'), 'utf8').catch(() => '')).split('\n').filter((l) => l !== ''),
      errorLog: () => readFile(join(dir, 'error.log'), 'utf8').catch(() => ''),
      stop: () => (stopped ??= stopChild(child).finally(() => rm(dir, { recursive: true, force: true }))),
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}
