// src/utf8.ts: strict UTF-8 decoding that gives text back exactly, and the lone-surrogate check (#8 review).
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeUtf8Strict, isWellFormedText } from '../../src/util/utf8.js'

const decode = suite('decodeUtf8Strict')

decode('gives back exactly the text encoded, a leading byte order mark included', () => {
  for (const text of ['', 'ascii', 'ça ✓ — 日本語 😀', '\uFEFF', '\uFEFFafter a BOM', 'a\u0000b']) {
    assert.is(decodeUtf8Strict(Buffer.from(text, 'utf8')), text, JSON.stringify(text))
  }
})

decode('is undefined for bytes that are not well-formed UTF-8', () => {
  for (const bytes of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x61, 0xe2, 0x9c]]) {
    assert.is(decodeUtf8Strict(new Uint8Array(bytes)), undefined, JSON.stringify(bytes))
  }
})

decode.run()

const wellFormed = suite('isWellFormedText')

wellFormed('is false exactly when a surrogate stands alone', () => {
  for (const text of ['', 'abc', '😀', 'a\uD83D\uDE00b', '\uD83D\uDE00\uD83D\uDE00']) assert.ok(isWellFormedText(text), JSON.stringify(text))
  for (const text of ['\uD800', '\uDC00', 'a\uD83D', '\uDE00a', '\uD83D\uD83D\uDE00', '\uD83D\uDE00\uDE00']) assert.not.ok(isWellFormedText(text), JSON.stringify(text))
})

wellFormed('agrees with String.prototype.isWellFormed where Node has it', () => {
  const native = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed
  if (native === undefined) return
  const units = [0x61, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfeff]
  for (const a of units) for (const b of units) for (const c of units) {
    const text = String.fromCharCode(a, b, c)
    assert.is(isWellFormedText(text), native.call(text), JSON.stringify(text))
  }
})

wellFormed.run()
