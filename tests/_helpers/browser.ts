// The browser the browser tests drive: Debian's chromium, headless, through playwright-core (which brings no
// browser of its own). Under CI=true a missing chromium fails the test; elsewhere it skips aloud.
import { chromium, type Browser } from 'playwright-core'
import { hasCommand, needs } from './services.js'

/** Debian's chromium. */
export const CHROMIUM = '/usr/bin/chromium'

/** Whether chromium can run here: false (after a loud SKIPPED line) outside CI when it is missing; throws under CI. */
export function haveChromium(): boolean {
  return needs('chromium', hasCommand(CHROMIUM), 'apt-get install chromium')
}

/** Starts chromium headless, with nothing of its own talking to the network; close it with `browser.close()`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  })
}
