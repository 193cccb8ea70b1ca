// blockPrivateAddresses(): SSRF protection, checked up front for IP literals and at connect time for what a
// host name resolves to, on every hop. Over real HTTP against a routechain app on 127.0.0.1; names resolve
// through a simulated resolver. No test ever connects anywhere but 127.0.0.1: a tripwire below makes sure.
import dc from 'node:diagnostics_channel'
import { isIP, type LookupFunction, type Socket } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { BlockedAddressError, ConnectionError, createClient, blockPrivateAddresses, type ClientMiddleware } from '../../src/client/index.js'
import { guardedLookup } from '../../src/client/middleware/guarded-connector.js'
import { addressCheck, allowList, INTERNAL_RANGES, isInternalAddress } from '../../src/client/middleware/internal-ranges.js'
import { normalizeAddress } from '../../src/util/ip.js'
import { throwsConfig } from '../_helpers/assert.js'
import { within } from '../_helpers/async.js'
import { echoApp, serveCounting, type Echo, type EchoServer } from './_server.js'

// The tripwire: every connection attempt made through node:net is recorded, and one to anything but the test
// server's 127.0.0.1 throws, which stops the run loudly: node emits 'connectionAttempt' just before it connects,
// so a guard that failed can never reach 169.254.169.254 or 10.x. `attempts` lets a test assert that a refused
// request tried nothing at all.
const attempts: string[] = []
const onSocket = (message: unknown): void => {
  (message as { socket: Socket }).socket.on('connectionAttempt', (ip: string) => {
    attempts.push(ip)
    if (ip !== '127.0.0.1') throw new Error(`tripwire: a test tried to connect to ${ip}`)
  })
}
dc.subscribe('net.client.socket', onSocket)

let server: EchoServer
let port: string

/** A simulated resolver: a name answers its addresses (a function may answer differently each time). */
function resolver(names: Record<string, readonly string[] | (() => readonly string[])>): { lookup: LookupFunction; calls: { hostname: string; all: boolean }[] } {
  const calls: { hostname: string; all: boolean }[] = []
  const lookup: LookupFunction = (hostname, options, callback) => {
    calls.push({ hostname, all: options.all === true })
    const entry = names[hostname]
    setImmediate(() => {
      if (entry === undefined) {
        callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '')
        return
      }
      const addresses = typeof entry === 'function' ? entry() : entry
      if (options.all === true) callback(null, addresses.map((address) => ({ address, family: isIP(address) })))
      else callback(null, addresses[0] ?? '', isIP(addresses[0] ?? ''))
    })
  }
  return { lookup, calls }
}

/** The BlockedAddressError a request fails with; fails the test on anything else, and past 5 s. */
async function refused(request: Promise<unknown>, what: string): Promise<BlockedAddressError> {
  const error = await within(request.then(() => 'a response', (e: unknown) => e), 5000, what)
  assert.instance(error, BlockedAddressError, `${what}: expected BlockedAddressError, got ${String(error)}`)
  assert.is((error as BlockedAddressError).code, 'ERR_ROUTECHAIN_CLIENT_BLOCKED_ADDRESS')
  return error as BlockedAddressError
}

/** A middleware that counts the requests that get past the ones before it. */
function counter(): ClientMiddleware & { calls: number } {
  const count = Object.assign(async (req: Parameters<ClientMiddleware>[0], next: Parameters<ClientMiddleware>[1]) => {
    count.calls++
    return next(req)
  }, { calls: 0 })
  return count
}

const ranges = suite('ssrf: the range check')

ranges('internal addresses, IPv4 and IPv6, in every form, are refused', () => {
  const blocked = [
    '0.0.0.0', '0.1.2.3', '10.0.0.1', '10.255.255.255', '100.64.0.1', '100.100.100.200', '100.127.255.255',
    '127.0.0.1', '127.255.255.254', '169.254.0.1', '169.254.169.254', '169.254.170.2', '172.16.0.1', '172.31.255.255',
    '192.0.0.192', '192.0.2.1', '192.88.99.1', '192.168.1.1', '198.18.0.1', '198.19.255.255', '198.51.100.7',
    '203.0.113.9', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
    '::', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::7f00:1', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'fec0::1', 'fc00::1',
    'fd00:ec2::254', 'ff02::1', 'ff0e::1', '2001:db8::1', '3fff::1', '2001::1', '2001:2::1', '100::1', '64:ff9b:1::1',
    // IPv4 inside IPv6: mapped (dotted and hex), NAT64 and 6to4
    '::ffff:127.0.0.1', '::ffff:7f00:1', '[::ffff:a9fe:a9fe]', '::ffff:10.0.0.1', '::FFFF:192.168.0.1',
    '0:0:0:0:0:ffff:7f00:1', '64:ff9b::7f00:1', '64:ff9b::169.254.169.254', '2002:7f00:1::', '2002:a00:1::1',
    // not an IP address at all: refused rather than guessed at
    'localhost', 'example.com', '', '127.1', '1.2.3', 'fe80::1%',
  ]
  for (const address of blocked) assert.ok(isInternalAddress(address), `${address} should be refused`)
  const allowed = [
    '1.1.1.1', '8.8.8.8', '93.184.215.14', '11.0.0.1', '100.63.255.255', '100.128.0.0', '126.255.255.255', '128.0.0.1',
    '169.253.255.255', '169.255.0.1', '172.15.255.255', '172.32.0.0', '192.0.1.1', '192.167.255.255', '192.169.0.1',
    '198.17.255.255', '198.20.0.0', '223.255.255.255',
    '2606:4700:4700::1111', '2001:4860:4860::8888', '[2a00:1450:4001::200e]', '::ffff:8.8.8.8', '::ffff:808:808',
    '64:ff9b::808:808', '2002:808:808::1', '2001:db9::1',
  ]
  for (const address of allowed) assert.not.ok(isInternalAddress(address), `${address} should pass`)
})

ranges('addresses are normalised: brackets, zones, case, and the IPv4 inside mapped, NAT64 and 6to4 forms', () => {
  assert.is(normalizeAddress('[::ffff:7f00:1]'), '127.0.0.1')
  assert.is(normalizeAddress('::ffff:127.0.0.1'), '127.0.0.1')
  assert.is(normalizeAddress('64:ff9b::a9fe:a9fe'), '169.254.169.254')
  assert.is(normalizeAddress('2002:a00:1::'), '10.0.0.1')
  assert.is(normalizeAddress('::ffff:0:0'), '0.0.0.0')
  assert.is(normalizeAddress('FE80::1%eth0'), 'fe80::1')
  assert.is(normalizeAddress('2001:DB8:0:0::1'), '2001:db8::1')
  assert.is(normalizeAddress('10.0.0.1'), '10.0.0.1')
  assert.is(normalizeAddress('example.com'), undefined)
})

ranges('how URL presents hosts, which the up-front check relies on', () => {
  assert.is(new URL('http://[::ffff:127.0.0.1]:8080/').hostname, '[::ffff:7f00:1]', 'IPv6 in brackets, mapped IPv4 in hex')
  assert.is(new URL('http://[::1]/').hostname, '[::1]')
  assert.is(new URL('http://2130706433/').hostname, '127.0.0.1', 'decimal, hex and short IPv4 forms become dotted')
  assert.is(new URL('http://0x7f.1/').hostname, '127.0.0.1')
  assert.is(new URL('http://0/').hostname, '0.0.0.0')
})

ranges('allow lets addresses and subnets through, v4 and v6, mapped forms included; nothing else', () => {
  const refuses = addressCheck(allowList(['127.0.0.1', '10.20.0.0/16', 'fd00:1::/32']))
  assert.not.ok(refuses('127.0.0.1'))
  assert.not.ok(refuses('[::ffff:7f00:1]'), 'the mapped form of an allowed IPv4 address')
  assert.ok(refuses('127.0.0.2'))
  assert.ok(refuses('::1'), 'allowing 127.0.0.1 does not allow ::1')
  assert.not.ok(refuses('10.20.3.4'))
  assert.ok(refuses('10.21.0.1'))
  assert.not.ok(refuses('fd00:1:2::3'))
  assert.ok(refuses('fd00:2::1'))
  assert.ok(refuses('169.254.169.254'))
  assert.not.ok(refuses('8.8.8.8'))
  assert.ok(refuses('not-an-address'), 'allow never lets a non-address through')
  assert.not.ok(addressCheck(allowList(['::ffff:10.0.0.1']))('10.0.0.1'), 'an allowed mapped address allows its IPv4 form')
})

ranges('the documented list is what is refused: each range\'s first address', () => {
  assert.ok(INTERNAL_RANGES.length >= 20)
  for (const { subnet, why } of INTERNAL_RANGES) {
    assert.ok(why.length > 0)
    assert.ok(isInternalAddress(subnet.slice(0, subnet.indexOf('/'))), subnet)
  }
})

ranges.run()

const literals = suite('ssrf: IP-literal URLs are refused up front')
literals.before(async () => {
  server = await serveCounting(echoApp())
  port = new URL(server.url).port
})
literals.after(() => server.close())

literals('127.0.0.1: BlockedAddressError naming the address and the request; the server sees no connection', async () => {
  const inner = counter()
  const guard = blockPrivateAddresses()
  const client = createClient({ timeout: 2000, middlewares: [guard, inner] })
  const [connections, tried] = [server.connections(), attempts.length]
  const error = await refused(client.get(`${server.url}/echo`), '127.0.0.1')
  assert.is(error.address, '127.0.0.1')
  assert.is(error.method, 'GET')
  assert.is(error.url, `${server.url}/echo`)
  assert.match(error.message, /refused to connect to 127\.0\.0\.1/)
  assert.is(inner.calls, 0, 'the request went no further than the guard')
  assert.is(server.connections(), connections)
  assert.is(attempts.length, tried, 'no connection was attempted')
  await client.close()
  await guard.close()
})

literals('[::1], [::], and the IPv4-mapped ::ffff:127.0.0.1 / ::ffff:7f00:1 and NAT64 forms, named by the IPv4 address they carry', async () => {
  const guard = blockPrivateAddresses()
  const client = createClient({ timeout: 2000, middlewares: [guard] })
  const [connections, tried] = [server.connections(), attempts.length]
  const cases: [string, string][] = [
    ['[::1]', '::1'], ['[::]', '::'], ['[0:0:0:0:0:0:0:1]', '::1'],
    ['[::ffff:127.0.0.1]', '127.0.0.1'], ['[::ffff:7f00:1]', '127.0.0.1'], ['[64:ff9b::7f00:1]', '127.0.0.1'],
  ]
  for (const [host, address] of cases) {
    const error = await refused(client.get(`http://${host}:${port}/echo`), host)
    assert.is(error.address, address, host)
  }
  assert.is(server.connections(), connections)
  assert.is(attempts.length, tried)
  await client.close()
  await guard.close()
})

literals('169.254.169.254 (cloud metadata), its mapped form and fd00:ec2::254: refused without a network attempt', async () => {
  const inner = counter()
  const guard = blockPrivateAddresses()
  const client = createClient({ timeout: 2000, middlewares: [guard, inner] })
  const tried = attempts.length
  for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[::ffff:a9fe:a9fe]/', 'https://169.254.169.254/', 'http://[fd00:ec2::254]/latest/']) {
    const error = await refused(client.get(url), url)
    assert.ok(['169.254.169.254', 'fd00:ec2::254'].includes(error.address), error.address)
  }
  assert.is(inner.calls, 0)
  assert.is(attempts.length, tried, 'no socket was even asked to connect')
  await client.close()
  await guard.close()
})

literals('0.0.0.0 (which reaches the local host) and the decimal, hex and short spellings of 127.0.0.1', async () => {
  const guard = blockPrivateAddresses()
  const client = createClient({ timeout: 2000, middlewares: [guard] })
  const connections = server.connections()
  for (const host of ['0.0.0.0', '0', '2130706433', '0x7f.1', '127.1', '10.0.0.1', '192.168.0.1']) {
    const error = await refused(client.get(`http://${host}:${port}/echo`), host)
    assert.ok(isInternalAddress(error.address), `${host} → ${error.address}`)
  }
  assert.is(server.connections(), connections)
  await client.close()
  await guard.close()
})

literals.run()

const names = suite('ssrf: host names are judged by what they resolve to, at connect time')
names.before(async () => {
  server = await serveCounting(echoApp())
  port = new URL(server.url).port
})
names.after(() => server.close())

names('a name resolving to 127.0.0.1 is refused; Node 20 asks the resolver with { all: true }', async () => {
  const dns = resolver({ 'internal.test': ['127.0.0.1'] })
  const guard = blockPrivateAddresses({ lookup: dns.lookup })
  const client = createClient({ timeout: 2000, middlewares: [guard] })
  const [connections, tried] = [server.connections(), attempts.length]
  const error = await refused(client.get(`http://internal.test:${port}/echo`), 'internal.test')
  assert.is(error.address, '127.0.0.1')
  assert.equal(dns.calls, [{ hostname: 'internal.test', all: true }])
  assert.is(server.connections(), connections)
  assert.is(attempts.length, tried, 'refused at lookup: no connection attempted')
  await client.close()
  await guard.close()
})

names('refused when ANY of the answers is internal, before any of them is tried', async () => {
  const dns = resolver({ 'mixed.test': ['93.184.215.14', '10.0.0.1'], 'meta.test': ['169.254.169.254'], 'v6.test': ['2606:4700::1', 'fd00::5'] })
  const guard = blockPrivateAddresses({ lookup: dns.lookup })
  const client = createClient({ timeout: 2000, middlewares: [guard] })
  const tried = attempts.length
  assert.is((await refused(client.get('http://mixed.test/'), 'mixed.test')).address, '10.0.0.1')
  assert.is((await refused(client.get('http://meta.test/latest/meta-data/'), 'meta.test')).address, '169.254.169.254')
  assert.is((await refused(client.get('http://v6.test/'), 'v6.test')).address, 'fd00::5')
  assert.is(attempts.length, tried)
  await client.close()
  await guard.close()
})

names('https goes through the guarded lookup too', async () => {
  const dns = resolver({ 'internal.test': ['10.0.0.1'] })
  const guard = blockPrivateAddresses({ lookup: dns.lookup })
  const client = createClient({ timeout: 2000, middlewares: [guard] })
  const error = await refused(client.get('https://internal.test/'), 'https internal.test')
  assert.is(error.address, '10.0.0.1')
  assert.is(dns.calls.length, 1)
  await client.close()
  await guard.close()
})

names('localhost through the system resolver is refused', async () => {
  const guard = blockPrivateAddresses()
  const client = createClient({ timeout: 2000, middlewares: [guard] })
  const connections = server.connections()
  const error = await refused(client.get(`http://localhost:${port}/echo`), 'localhost')
  assert.ok(error.address === '127.0.0.1' || error.address === '::1', error.address)
  assert.is(server.connections(), connections)
  await client.close()
  await guard.close()
})

names('a resolver failure stays a ConnectionError', async () => {
  const dns = resolver({})
  const guard = blockPrivateAddresses({ lookup: dns.lookup })
  const client = createClient({ timeout: 2000, middlewares: [guard] })
  const error = await within(client.get('http://missing.test/').catch((e: unknown) => e), 5000, 'missing.test')
  assert.instance(error, ConnectionError)
  assert.is((error as ConnectionError).reason, 'ENOTFOUND')
  await client.close()
  await guard.close()
})

names('the guarded lookup\'s decision, in both callback forms: public answers pass unchanged, internal ones are refused', async () => {
  const dns = resolver({ 'public.test': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'], 'internal.test': ['8.8.8.8', '192.168.1.1'] })
  const lookup = guardedLookup(isInternalAddress, dns.lookup)
  const ask = (hostname: string, all: boolean): Promise<{ error: unknown; address: unknown; family: unknown }> => within(
    new Promise((resolve) => lookup(hostname, all ? { all: true } : {}, (error, address, family) => resolve({ error, address, family }))),
    2000, hostname,
  )
  assert.equal(await ask('public.test', false), { error: null, address: '93.184.215.14', family: 4 })
  assert.equal(await ask('public.test', true), {
    error: null,
    address: [{ address: '93.184.215.14', family: 4 }, { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 }],
    family: undefined,
  })
  // the one-address form only sees the first answer, which is public: the connection would go there
  assert.is((await ask('internal.test', false)).error, null)
  const refusedAll = await ask('internal.test', true)
  assert.instance(refusedAll.error, BlockedAddressError)
  assert.is((refusedAll.error as BlockedAddressError).address, '192.168.1.1')
  const single = guardedLookup(isInternalAddress, resolver({ 'internal.test': ['10.1.2.3'] }).lookup)
  const refusedOne = await within(new Promise<unknown>((resolve) => single('internal.test', {}, (error) => resolve(error))), 2000, 'single')
  assert.instance(refusedOne, BlockedAddressError)
  assert.is((refusedOne as BlockedAddressError).address, '10.1.2.3')
  const missing = await within(new Promise<unknown>((resolve) => lookup('missing.test', {}, (error) => resolve(error))), 2000, 'missing')
  assert.is((missing as NodeJS.ErrnoException).code, 'ENOTFOUND', 'resolver errors pass on')
})

names('a name whose answer is allowed gets past the guard to the server', async () => {
  const dns = resolver({ 'service.test': ['127.0.0.1'] })
  const guard = blockPrivateAddresses({ allow: ['127.0.0.1'], lookup: dns.lookup })
  const client = createClient({ timeout: 2000, middlewares: [guard] })
  const connections = server.connections()
  const res = await within(client.get(`http://service.test:${port}/echo`), 5000, 'service.test')
  assert.is(res.status, 200)
  const echo = await res.json<Echo>()
  assert.is(echo.headers.host, `service.test:${port}`)
  assert.is(dns.calls.length, 1)
  assert.is(server.connections(), connections + 1)
  await client.close()
  await guard.close()
})

names.run()

const hops = suite('ssrf: allow, redirects, later changes and DNS rebinding')
hops.before(async () => {
  server = await serveCounting(echoApp())
  port = new URL(server.url).port
})
hops.after(() => server.close())

hops('allow: [\'127.0.0.1\'] (or its subnet) lets the test server through; [\'::1\'] does not', async () => {
  for (const allow of [['127.0.0.1'], ['127.0.0.0/8'], ['::ffff:127.0.0.1']]) {
    const guard = blockPrivateAddresses({ allow })
    const client = createClient({ timeout: 2000, middlewares: [guard] })
    const res = await within(client.post(`${server.url}/echo`, { json: { a: 1 } }), 5000, String(allow))
    assert.is(res.status, 200)
    assert.is((await res.json<Echo>()).body, '{"a":1}')
    await client.close()
    await guard.close()
  }
  const guard = blockPrivateAddresses({ allow: ['::1'] })
  const client = createClient({ timeout: 2000, middlewares: [guard] })
  await refused(client.get(`${server.url}/echo`), 'allow ::1')
  await client.close()
  await guard.close()
})

hops('a redirect from an allowed server to 169.254.169.254 is refused at connect, naming the hop', async () => {
  const guard = blockPrivateAddresses({ allow: ['127.0.0.1'] })
  const client = createClient({ timeout: 2000, middlewares: [guard] })
  const tried = attempts.length
  const target = 'http://169.254.169.254/latest/meta-data/iam/'
  const error = await refused(client.get(`${server.url}/redirect/302?to=${encodeURIComponent(target)}`), 'redirect to metadata')
  assert.is(error.address, '169.254.169.254')
  assert.is(error.method, 'GET')
  assert.is(error.url, target, 'the error names the redirected request')
  assert.ok(attempts.slice(tried).every((ip) => ip === '127.0.0.1'), 'only the allowed server was connected to')
  await client.close()
  await guard.close()
})

hops('redirects to a name resolving to 10.0.0.1, to [::1] and to 127.0.0.2 are refused; a 307 keeps its method', async () => {
  const dns = resolver({ 'internal.test': ['10.0.0.1'] })
  const guard = blockPrivateAddresses({ allow: ['127.0.0.1'], lookup: dns.lookup })
  const client = createClient({ timeout: 2000, middlewares: [guard] })
  const named = await refused(client.get(`${server.url}/redirect/301?to=${encodeURIComponent(`http://internal.test:${port}/echo`)}`), 'to internal.test')
  assert.is(named.address, '10.0.0.1')
  assert.equal(dns.calls, [{ hostname: 'internal.test', all: true }])
  const v6 = await refused(client.get(`${server.url}/redirect/302?to=${encodeURIComponent(`http://[::1]:${port}/echo`)}`), 'to [::1]')
  assert.is(v6.address, '::1')
  const other = await refused(client.put(`${server.url}/redirect/307?to=${encodeURIComponent(`http://127.0.0.2:${port}/echo`)}`, { json: { a: 1 } }), 'to 127.0.0.2')
  assert.is(other.address, '127.0.0.2')
  assert.is(other.method, 'PUT')
  assert.is(other.url, `http://127.0.0.2:${port}/echo`)
  await client.close()
  await guard.close()
})

hops('a URL a later middleware changes is still checked, at connect', async () => {
  const guard = blockPrivateAddresses({ allow: ['127.0.0.1'] })
  const rewrite: ClientMiddleware = (req, next) => next({ ...req, url: new URL('http://169.254.169.254/latest/meta-data/') })
  const client = createClient({ timeout: 2000, middlewares: [guard, rewrite] })
  const tried = attempts.length
  const error = await refused(client.get(`${server.url}/echo`), 'rewritten')
  assert.is(error.address, '169.254.169.254')
  assert.is(attempts.length, tried)
  await client.close()
  await guard.close()
})

hops('DNS rebinding: the first answer is allowed, the second, on a new connection, is internal and refused', async () => {
  let answers = 0
  const dns = resolver({ 'rebind.test': () => (answers++ === 0 ? ['127.0.0.1'] : ['10.0.0.1']) })
  const guard = blockPrivateAddresses({ allow: ['127.0.0.1'], lookup: dns.lookup })
  const client = createClient({ timeout: 2000, middlewares: [guard] })
  // connection: close, so the second request needs a new connection, and a new lookup
  const first = await within(client.get(`http://rebind.test:${port}/echo`, { headers: { connection: 'close' } }), 5000, 'first')
  assert.is(first.status, 200)
  await first.discard()
  const error = await refused(client.get(`http://rebind.test:${port}/echo`), 'second')
  assert.is(error.address, '10.0.0.1')
  assert.is(dns.calls.length, 2)
  await client.close()
  await guard.close()
})

hops.run()

const config = suite('ssrf: configuration')

config('allow and lookup are checked when the middleware is made, with clear messages', () => {
  throwsConfig(() => blockPrivateAddresses({ allow: '127.0.0.1' as never }), /allow \}\) takes a list of addresses or CIDR subnets, got string/)
  for (const entry of ['localhost', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/', '10.0.0.0/8/8', '[::1]', 'fe80::1%eth0', '127.0.0.1 ']) {
    throwsConfig(() => blockPrivateAddresses({ allow: [entry] }), new RegExp(`IP addresses or CIDR subnets such as .*; got '${entry.replace(/[[\]./]/g, '\\$&')}'`))
  }
  throwsConfig(() => blockPrivateAddresses({ allow: [42 as never] }), /got number/)
  throwsConfig(() => blockPrivateAddresses({ lookup: 'dns' as never }), /lookup \}\) takes a function with the signature of dns\.lookup/)
  throwsConfig(() => blockPrivateAddresses({ allowed: [] } as never), /no option "allowed"/)
  throwsConfig(() => blockPrivateAddresses(null as never), /takes an options object/)
  blockPrivateAddresses({ allow: ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', '0.0.0.0/0', '::/0'] })
  blockPrivateAddresses({})
  blockPrivateAddresses()
})

config('close() closes the pool; a later request opens a new one', async () => {
  server = await serveCounting(echoApp())
  try {
    const guard = blockPrivateAddresses({ allow: ['127.0.0.1'] })
    await guard.close()
    const client = createClient({ timeout: 2000, middlewares: [guard] })
    await (await within(client.get(`${server.url}/echo`), 5000, 'first')).discard()
    await within(guard.close(), 2000, 'close')
    assert.is((await within(client.get(`${server.url}/echo`), 5000, 'after close')).status, 200)
    await guard.close()
    await client.close()
  } finally {
    await server.close()
  }
})

config('no test connected anywhere but 127.0.0.1', () => {
  assert.ok(attempts.length > 0)
  assert.equal([...new Set(attempts)], ['127.0.0.1'])
  dc.unsubscribe('net.client.socket', onSocket)
})

config.run()
