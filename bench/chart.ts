// latest.svg: each contender's median throughput as a ratio to raw node:http, one bar per route.
import type { HttpRow } from './http.js'

const ROUTE_COLOURS = ['#2f6fdf', '#9db9ef']

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Draws the HTTP ratios as a horizontal bar chart, with lines at 1.0 (raw node:http) and at the 0.95 target. */
export function ratioChart(rows: readonly HttpRow[], subtitle: string): string {
  const contenders = [...new Set(rows.map((r) => r.contender))]
  const routes = [...new Set(rows.map((r) => r.route))]
  const left = 190
  const width = 760
  const barHeight = 14
  const groupHeight = routes.length * barHeight + 12
  const top = 64
  const height = top + contenders.length * groupHeight + 40
  const maxRatio = Math.max(1.1, ...rows.map((r) => (Number.isFinite(r.medianRatio) ? r.medianRatio : 0)))
  const x = (ratio: number): number => left + (ratio / maxRatio) * (width - left - 70)
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="16" y="24" font-size="16" font-weight="600">Throughput as a ratio to raw node:http (higher is better)</text>`,
    `<text x="16" y="44" fill="#555">${escape(subtitle)}</text>`,
  ]
  contenders.forEach((contender, c) => {
    const y0 = top + c * groupHeight
    parts.push(`<text x="${left - 8}" y="${y0 + routes.length * barHeight / 2 + 4}" text-anchor="end"${contender === 'routechain' ? ' font-weight="700"' : ''}>${escape(contender)}</text>`)
    routes.forEach((route, r) => {
      const row = rows.find((candidate) => candidate.contender === contender && candidate.route === route)
      const ratio = row !== undefined && Number.isFinite(row.medianRatio) ? row.medianRatio : 0
      const y = y0 + r * barHeight
      parts.push(`<rect x="${left}" y="${y}" width="${Math.max(0, x(ratio) - left)}" height="${barHeight - 2}" fill="${ROUTE_COLOURS[r % ROUTE_COLOURS.length]}"/>`)
      parts.push(`<text x="${x(ratio) + 4}" y="${y + barHeight - 4}" fill="#333">${ratio.toFixed(2)}</text>`)
    })
  })
  const bottom = top + contenders.length * groupHeight
  for (const [ratio, label, dash] of [[1, '1.00 raw', ''], [0.95, '0.95 target', ' stroke-dasharray="4 3"']] as const) {
    parts.push(`<line x1="${x(ratio)}" y1="${top - 6}" x2="${x(ratio)}" y2="${bottom}" stroke="#c33"${dash}/>`)
    parts.push(`<text x="${x(ratio)}" y="${bottom + 14}" text-anchor="middle" fill="#c33">${label}</text>`)
  }
  routes.forEach((route, r) => {
    const lx = 16 + r * 260
    parts.push(`<rect x="${lx}" y="${height - 16}" width="12" height="10" fill="${ROUTE_COLOURS[r % ROUTE_COLOURS.length]}"/>`)
    parts.push(`<text x="${lx + 16}" y="${height - 7}">${escape(route)}</text>`)
  })
  parts.push('</svg>')
  return parts.join('\n') + '\n'
}
