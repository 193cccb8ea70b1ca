import type { RouteEntry } from './route-table.js'

/** The routes as a text table: method, path, and the steps in order. */
export function formatRoutes(entries: readonly RouteEntry[]): string {
  const rows = [['METHOD', 'PATH', 'STEPS'], ...entries.map((r) => [r.method, r.path, r.steps.join(' → ')])]
  const widths = [0, 1].map((col) => Math.max(...rows.map((row) => (row[col] as string).length)))
  return rows.map((row) => row.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join('  ').trimEnd()).join('\n')
}
