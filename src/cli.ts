#!/usr/bin/env node
// `npx routechain keygen`: prints a new session key (url-safe base64 of 32 random bytes).
import { generateKey } from './session/keys.js'

const [command] = process.argv.slice(2)
if (command === 'keygen') {
  console.log(generateKey())
} else {
  console.error('usage: routechain keygen    print a new 32-byte session key (for SESSION_KEY)')
  process.exitCode = command === undefined || command === '--help' ? 0 : 1
}
