// The leaderboard's two wire formats, each serialized once per cached board: JSON bytes for the
// API (with 2,000 teams about 350 KB, which every reader would otherwise re-stringify) and CSV.
import type { Leaderboard } from './build.ts'

/**
 * A CSV cell. Text that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or
 * a carriage return) gets a leading apostrophe; numbers are written as they are.
 */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return ''
  let s = String(v)
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

const serialized = new WeakMap<Leaderboard, { json?: Uint8Array<ArrayBuffer>; csv?: string }>()

function memo(board: Leaderboard): { json?: Uint8Array<ArrayBuffer>; csv?: string } {
  let m = serialized.get(board)
  if (!m) serialized.set(board, (m = {}))
  return m
}

/**
 * `{"leaderboard": board}` as UTF-8 JSON bytes, serialized once per cached board: with 2,000
 * teams that is about 350 KB, which every reader would otherwise re-stringify.
 */
export function leaderboardJsonBytes(board: Leaderboard): Uint8Array<ArrayBuffer> {
  const m = memo(board)
  m.json ??= new TextEncoder().encode(JSON.stringify({ leaderboard: board }))
  return m.json
}

export function leaderboardCsv(board: Leaderboard): string {
  const m = memo(board)
  m.csv ??= buildCsv(board)
  return m.csv
}

function buildCsv(board: Leaderboard): string {
  const priv = board.type === 'private'
  const header = ['Rank', 'TeamId', 'TeamName', 'Members', 'Score', 'Entries', 'LastSubmission', ...(priv ? ['PublicRank', 'Move'] : []), 'HalfWidth95', 'TiedWithPrevious']
  const lines = [header.join(',')]
  for (const r of board.rows) {
    lines.push(
      [r.rank, r.teamId, r.teamName, r.members.join('; '), r.score, r.entries, r.lastSubmissionAt.toISOString(), ...(priv ? [r.publicRank, r.move] : []), r.halfWidth, r.tiedWithPrevious ? 1 : 0]
        .map(csvField)
        .join(','),
    )
  }
  for (const b of board.baselines) {
    lines.push(['', 'baseline', b.name, '', b.score, '', '', ...(priv ? ['', ''] : []), '', ''].map(csvField).join(','))
  }
  return `${lines.join('\n')}\n`
}
