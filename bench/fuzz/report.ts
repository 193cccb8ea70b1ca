// Presents a fuzz report: a plain-text table for the terminal, and the JSON file for bench/results.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { CATEGORIES } from './generate.js'
import type { FuzzReport } from './runner.js'
import type { Finding } from './tally.js'

const NUMBER = new Intl.NumberFormat('en-GB')

function count(value: number): string {
  return NUMBER.format(value)
}

function megabytes(bytes: number | null): string {
  return bytes === null ? '?' : `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

function row(label: string, value: string, note = ''): string {
  return `  ${label.padEnd(34)}${value.padStart(10)}${note === '' ? '' : `   ${note}`}`
}

function mustBeZero(value: number): string {
  return value === 0 ? 'must be 0: ok' : 'must be 0: FAILED'
}

function findingLines(title: string, findings: readonly Finding[], shown = 3): string[] {
  if (findings.length === 0) return []
  const lines = [``, `${title} (first ${Math.min(shown, findings.length)} of those kept):`]
  for (const finding of findings.slice(0, shown)) {
    const how = [finding.halfClose ? 'half-closed' : '', finding.splits.length > 0 ? `split at ${finding.splits.join(',')}` : ''].filter((s) => s !== '').join(', ')
    lines.push(`  #${finding.index} [${finding.label}] ${finding.what}${how === '' ? '' : ` (sent ${how})`}`)
    lines.push(`    ${finding.preview.length > 400 ? `${finding.preview.slice(0, 400)} …` : finding.preview}`)
  }
  return lines
}

/** The report as a table of plain text, with the findings (if any) after it. */
export function formatReport(report: FuzzReport): string {
  const lines: string[] = []
  lines.push(`routechain fuzz: seed ${report.seed}, ${(report.durationMs / 1000).toFixed(1)} s, ${report.options.concurrency} connections, Node ${report.node}`)
  lines.push(row('requests sent', count(report.requests.sent), `${count(report.requests.perSecond)}/s`))
  lines.push('responses by status')
  for (const status of Object.keys(report.byStatus).sort()) lines.push(row(status, count(report.byStatus[status] ?? 0)))
  lines.push('no response')
  const u = report.unanswered
  lines.push(row('connection closed by the server', count(u.closed)))
  lines.push(row('connection reset', count(u.reset)))
  lines.push(row('incomplete on purpose, timed out', count(u.incompleteTimedOut), 'the server may wait for the rest'))
  lines.push(row('response cut short', count(u.truncated)))
  lines.push(row('cut short after we half-closed', count(u.truncatedAfterHalfClose), 'node:http ends the connection then'))
  lines.push(row('answer not HTTP', count(u.garbled)))
  lines.push(row('lost to a crash', count(u.lostToCrash)))
  lines.push(`by category  ${['sent', '2xx', '3xx', '4xx', '5xx', 'no answer'].map((h) => h.padStart(10)).join('')}`)
  for (const category of CATEGORIES) {
    const c = report.categories[category]
    lines.push(`  ${category.padEnd(10)} ${[c.sent, c['2xx'], c['3xx'], c['4xx'], c['5xx'], c.unanswered].map((n) => count(n).padStart(10)).join('')}`)
  }
  lines.push(`session cookies (${report.session.tokens} genuine tokens, as the session routes judged them)`)
  lines.push(row('genuine token, session loaded', count(report.session.genuineLoaded)))
  lines.push(row('genuine token among others, fresh', count(report.session.genuineFresh)))
  lines.push(row('tampered or garbage, refused', count(report.session.tamperedRefused)))
  lines.push(row('tampered or garbage, ACCEPTED', count(report.session.tamperedAccepted), mustBeZero(report.session.tamperedAccepted)))
  lines.push('server')
  lines.push(row('crashes (target process exited)', count(report.crashes), mustBeZero(report.crashes)))
  lines.push(row('unexpected 5xx', count(report.unexpected5xx), mustBeZero(report.unexpected5xx)))
  lines.push(row('hangs (complete request, no answer)', count(report.hangs), mustBeZero(report.hangs)))
  lines.push(row('meant 500s (the throwing routes)', count(report.meant5xx)))
  lines.push(row('answers GET / after the run', report.server.answersAfterRun ? 'yes' : 'NO'))
  lines.push(row('requests that reached the app', count(report.server.appRequests)))
  lines.push(row('RSS at start', megabytes(report.server.rssStart)))
  lines.push(row('RSS at end', megabytes(report.server.rssEnd), `peak ${megabytes(report.server.rssPeak)}`))
  lines.push(row('JS heap used at start / end', `${megabytes(report.server.heapStart)} / ${megabytes(report.server.heapEnd)}`))
  lines.push(row('error log lines', count(report.log.errors), `${count(report.log.deliberateErrors)} about the deliberate failure, ${count(report.log.otherErrors)} other`))
  lines.push(row('warnings / debug lines', `${count(report.log.warnings)} / ${count(report.log.debugLines)}`))
  for (const sample of report.log.errorSamples.slice(0, 5)) lines.push(`    error: ${sample}`)
  lines.push(...findingLines('unexpected 5xx', report.findings.unexpected5xx))
  lines.push(...findingLines('tampered cookies accepted', report.findings.tamperedAccepted))
  lines.push(...findingLines('hangs', report.findings.hangs))
  lines.push(...findingLines('answers that are not HTTP', report.findings.garbled))
  lines.push(...findingLines('responses cut short', report.findings.truncated))
  for (const crash of report.crashDetails) {
    lines.push('', `crash at ${(crash.atMs / 1000).toFixed(1)} s (exit ${crash.code ?? crash.signal}), ${crash.inFlight.length} requests in flight`)
    lines.push(...crash.stderr.trim().split('\n').slice(-12).map((line) => `    ${line}`))
    if (crash.reproducer !== undefined) lines.push(...findingLines('it crashes a fresh target on its own', [crash.reproducer]))
  }
  lines.push('')
  lines.push(report.ok ? 'result: PASS' : `result: FAIL (${report.failures.join('; ')})`)
  // request #i depends only on the seed and i, so the same seed and count send the very same requests
  lines.push(`replay: npm run fuzz -- --seed ${report.seed} --requests ${report.requests.sent} --seconds ${Math.ceil(report.durationMs / 1000) * 2 + 5}`)
  return lines.join('\n')
}

/** Writes the report as JSON to `path` (creating its folder). */
export function writeReport(report: FuzzReport, path: string): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`)
}
