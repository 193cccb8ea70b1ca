// Header mutations: duplicates, a missing or odd Host, oversized values, many headers, invalid characters in
// names and values, malformed lines, conflicting framing headers, Expect and Upgrade. Header lines are
// binary strings ("Name: value", one character per byte) without their line ending.
import type { Mutation } from './mutate-line.js'
import type { Prng } from './prng.js'

/** A header mutation's result; `framed` is false when it may leave the message's end ambiguous. */
export type HeaderMutation = Mutation<string[]> & { readonly framed: boolean }

const NAME_CHARS = 'abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const VALUE_CHARS = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~'

function nameOf(line: string): string {
  const colon = line.indexOf(':')
  return (colon === -1 ? line : line.slice(0, colon)).trim().toLowerCase()
}

function without(lines: readonly string[], name: string): string[] {
  return lines.filter((line) => nameOf(line) !== name)
}

function valueOf(lines: readonly string[], name: string): string | undefined {
  const line = lines.find((l) => nameOf(l) === name)
  return line === undefined ? undefined : line.slice(line.indexOf(':') + 1).trim()
}

function insertAnywhere(rng: Prng, lines: readonly string[], line: string): string[] {
  const copy = [...lines]
  copy.splice(rng.int(copy.length + 1), 0, line)
  return copy
}

/** `lines` changed in one of many ways; `hasBody` says whether the request carries a framed body. */
export function mutateHeaders(rng: Prng, lines: readonly string[], hasBody: boolean): HeaderMutation {
  const ok = (value: string[], how: string): HeaderMutation => ({ value, how, framed: true })
  const risky = (value: string[], how: string): HeaderMutation => ({ value, how, framed: false })
  const kind = rng.weighted<string>([
    [3, 'duplicate-host'], [3, 'no-host'], [1, 'empty-host'], [3, 'odd-host'], [3, 'oversized'], [2, 'many'],
    [3, 'bad-name'], [3, 'bad-value'], [2, 'no-colon'], [1, 'obs-fold'], [1, 'empty-name'], [1, 'space-before-colon'],
    [2, 'expect-continue'], [1, 'expect-other'], [2, 'upgrade'], [1, 'connection-odd'], [2, 'duplicate-line'],
    [2, 'random'], [1, 'name-case'], [1, 'api-refuse'], [2, 'admin'], [2, 'content-length-odd'],
    [2, 'content-length-twice'], [2, 'transfer-encoding'], [1, 'content-type-twice'], [1, 'shuffle'],
  ])
  switch (kind) {
    case 'duplicate-host': return ok(insertAnywhere(rng, lines, `Host: ${rng.pick(['127.0.0.1', 'evil.example', 'a, b', ''])}`), kind)
    case 'no-host': return ok(without(lines, 'host'), kind)
    case 'empty-host': return ok([...without(lines, 'host'), 'Host: '], kind)
    case 'odd-host': {
      const host = rng.pick(['a b', 'x:99999', '[::1', 'h\u00e9', '-', '..', 'a/b', `${'h'.repeat(300)}.example`, 'host:80:80', '@', '%00'])
      return ok([...without(lines, 'host'), `Host: ${host}`], kind)
    }
    case 'oversized': {
      const size = rng.pick([4 * 1024, 8 * 1024, 15 * 1024, 17 * 1024, 40 * 1024, 100 * 1024])
      return ok(insertAnywhere(rng, lines, `X-Big: ${'b'.repeat(size)}`), kind)
    }
    case 'many': {
      const count = rng.pick([50, 200, 1000, 2100])
      const extra = Array.from({ length: count }, (_, i) => `X-H${i}: ${i}`)
      return ok([...lines, ...extra], kind)
    }
    case 'bad-name': {
      const name = rng.pick(['X Y', 'X\x01', 'X(y)', 'X\u00e9', 'X"', 'X\x7f', '\x00', 'X\ty', 'X/y', 'X@y', '[x]'])
      return ok(insertAnywhere(rng, lines, `${name}: v`), kind)
    }
    case 'bad-value': {
      const value = rng.pick(['a\x00b', 'a\x7fb', 'a\x01b', 'a\rb', '\u00e9\u00ff', 'a\x0bb', '\x1b[31m', 'a\x08'])
      return ok(insertAnywhere(rng, lines, `X-Bad: ${value}`), kind)
    }
    case 'no-colon': return ok(insertAnywhere(rng, lines, rng.pick(['Garbage', 'X-Y value', '::::', ' '])), kind)
    case 'obs-fold': return risky(insertAnywhere(rng, lines, `X-Fold: a\r\n ${rng.pick(['b', 'Content-Length: 5', ''])}`), kind)
    case 'empty-name': return ok(insertAnywhere(rng, lines, ': value'), kind)
    case 'space-before-colon': return ok(insertAnywhere(rng, lines, 'X-Space : v'), kind)
    case 'expect-continue': return ok([...lines, 'Expect: 100-continue'], kind)
    case 'expect-other': return ok([...lines, `Expect: ${rng.pick(['200-ok', 'foo', '100-continue, x', ''])}`], kind)
    case 'upgrade': {
      const protocol = rng.pick(['websocket', 'h2c', 'TLS/1.0', 'x'])
      return risky([...without(lines, 'connection'), 'Connection: Upgrade', `Upgrade: ${protocol}`], kind)
    }
    case 'connection-odd': {
      const value = rng.pick(['close, keep-alive', 'TE', 'x-api-refuse', 'keep-alive, Upgrade', 'cl\u00f6se', ''])
      return ok([...without(lines, 'connection'), `Connection: ${value}`], kind)
    }
    case 'duplicate-line': {
      const line = lines.length === 0 ? 'X-Empty: 1' : rng.pick(lines)
      if (!hasBody && /^(content-length|transfer-encoding)$/.test(nameOf(line))) return ok(insertAnywhere(rng, lines, 'X-Dup: 1'), kind)
      const framingLine = /^(content-length|transfer-encoding)$/.test(nameOf(line))
      const copy = insertAnywhere(rng, lines, line)
      return framingLine ? risky(copy, kind) : ok(copy, kind)
    }
    case 'random': {
      const name = rng.string(NAME_CHARS, rng.between(1, 30))
      return ok(insertAnywhere(rng, lines, `${name}: ${rng.string(VALUE_CHARS, rng.length(300))}`), kind)
    }
    case 'name-case': return ok(lines.map((line) => {
      const colon = line.indexOf(':')
      return colon === -1 ? line : (rng.chance(0.5) ? line.slice(0, colon).toUpperCase() : line.slice(0, colon).toLowerCase()) + line.slice(colon)
    }), kind)
    case 'api-refuse': return ok([...lines, 'X-Api-Refuse: 1'], kind)
    case 'admin': return ok([...lines, `X-Admin: ${rng.pick(['yes', 'YES', 'yes ', 'no', '', 'yes, yes'])}`], kind)
    case 'content-length-odd': {
      const declared = valueOf(lines, 'content-length') ?? '0'
      const odd = rng.pick([`+${declared}`, `${declared} `, `0x${declared}`, '-1', '1e3', `0${declared}`, '99999999999999999999', `${declared}, ${declared}`, '', 'abc'])
      return risky([...without(lines, 'content-length'), `Content-Length: ${odd}`], kind)
    }
    case 'content-length-twice': {
      const declared = valueOf(lines, 'content-length') ?? '0'
      const second = rng.chance(0.5) ? declared : String(Number(declared) + rng.between(1, 10))
      return risky([...lines, `Content-Length: ${second}`], kind)
    }
    case 'transfer-encoding': {
      const value = rng.pick(['chunked', 'gzip', 'chunked, gzip', 'gzip, chunked', 'identity', 'Chunked', ' chunked', 'chunked, chunked', 'x'])
      return risky([...lines, `Transfer-Encoding: ${value}`], kind)
    }
    case 'content-type-twice': return ok([...lines, `Content-Type: ${rng.pick(['text/plain', 'application/json', 'application/x-www-form-urlencoded'])}`], kind)
    default: {
      const copy = [...lines]
      for (let i = copy.length - 1; i > 0; i--) {
        const j = rng.int(i + 1)
        const swap = copy[i] as string
        copy[i] = copy[j] as string
        copy[j] = swap
      }
      return ok(copy, 'shuffle')
    }
  }
}
