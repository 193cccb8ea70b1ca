// The sealed-box benchmark's cases time what they say: every sealer opens its own boxes and refuses a changed
// one, the ones in crypto_box_seal's format (libsodium, routechain, node:crypto + tweetnacl) open each other's,
// and every case runs once without throwing.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  checkSealers, openGroup, PARTS_GROUP, SEALED_NAMES, SEALED_SIZES, sealedCases, sealedSetup, sealGroup,
} from '../../bench/sealed.js'

const sealed = suite('bench sealed boxes')

sealed('libsodium (sodium-native, through @fastify/secure-session) loads: it is the baseline', () => {
  assert.ok(sealedSetup().libsodium, 'sodium-native did not load: the report would have no native crypto_box_seal to compare with')
})

sealed('every sealer opens its own boxes and refuses a changed one; the same-format ones open each other\'s', () => {
  assert.equal(checkSealers(sealedSetup()), [])
})

sealed('a sealer that does not round-trip is caught', () => {
  const setup = sealedSetup()
  const routechain = setup.sealers.findIndex((s) => s.names === SEALED_NAMES.routechain)
  const boxes = setup.boxes.map((row, i) => (i === routechain ? row.map((box) => (box as string).replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))) : row))
  const wrong = checkSealers({ ...setup, boxes })
  assert.ok(wrong.some((w) => w.includes(SEALED_NAMES.routechain.open) && w.includes('did not open')), wrong.join('\n'))
})

sealed('the cases: seal and open at each size with libsodium first and routechain in each group, then tweetsodium\'s parts; each runs', () => {
  const cases = sealedCases(sealedSetup())
  for (const size of SEALED_SIZES) {
    for (const [group, names] of [[sealGroup(size.label), 'seal'], [openGroup(size.label), 'open']] as const) {
      const inGroup = cases.filter(([g]) => g === group).map(([, name]) => name)
      assert.is(inGroup[0], SEALED_NAMES.libsodium[names], `${group}: libsodium is the baseline`)
      assert.equal(inGroup, Object.values(SEALED_NAMES).map((n) => n[names]), group)
    }
  }
  assert.ok(cases.filter(([g]) => g === PARTS_GROUP).length >= 5)
  for (const [group, name, fn] of cases) {
    try {
      fn()
    } catch (error) {
      assert.unreachable(`${group} / ${name} threw: ${String(error)}`)
    }
  }
})

sealed.run()
