// What participants may read of a model run's job log. The log is written for operators and may
// carry runtime text (exception messages, paths, image ids); participants see only lines that
// match one of the fixed, data-free patterns below, rebuilt from their captured numbers, so
// nothing outside the patterns can pass through.

export interface RunLogLine {
  /** ISO time of the line, or null for the live progress line. */
  at: string | null
  text: string
}

interface Pattern {
  re: RegExp
  /** The line shown, built from the match only. */
  show(m: RegExpExecArray): string
}

const PATTERNS: Pattern[] = [
  {
    // lib/jobs/run-model.ts, before the run
    re: /^running the model on (\d+) hidden images \(cap (\d+(?:\.\d+)?) s, (\d+) MiB, (\d+) threads\)$/,
    show: (m) => `running the model on ${m[1]} hidden images (limits: ${m[2]} s, ${m[3]} MiB, ${m[4]} threads)`,
  },
  {
    // after a successful run
    re: /^provider ([a-z]+): (\d+) images in (\d+) ms, peak memory (\d+) MiB$/,
    show: (m) => `${m[2]} images embedded in ${(Number(m[3]) / 1000).toFixed(1)} s (${m[1]}), peak memory ${m[4]} MiB`,
  },
  {
    // a failed run: the code only (the message after it is the runner's and may quote the model)
    re: /^model failed \(([a-z_]+)\)/,
    show: (m) => `the model run failed (${m[1]})`,
  },
  {
    // progress messages (job.message)
    re: /^images (\d+)\/(\d+)$/,
    show: (m) => `images ${m[1]}/${m[2]}`,
  },
  {
    re: /^scoring$/,
    show: () => 'scoring the embeddings',
  },
]

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (.*)$/

function shown(text: string): string | null {
  for (const p of PATTERNS) {
    const m = p.re.exec(text)
    if (m) return p.show(m)
  }
  return null
}

/** The allow-listed lines of a job log (`<ISO time> <text>` per line), then the live progress message. */
export function sanitizeRunLog(log: string, progressMessage = ''): RunLogLine[] {
  const out: RunLogLine[] = []
  for (const line of log.split('\n')) {
    const m = STAMP.exec(line)
    if (!m) continue
    const text = shown(m[2])
    if (text !== null) out.push({ at: m[1], text })
  }
  const live = progressMessage ? shown(progressMessage) : null
  if (live !== null) out.push({ at: null, text: live })
  return out
}
