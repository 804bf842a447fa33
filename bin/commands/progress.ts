// Transfer progress on stderr, for uploads (arena submit) and downloads (arena download).

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/**
 * A progress bar on stderr: redrawn in place on a terminal, a few plain lines otherwise (every
 * quarter, so a log of a 500 MB upload has 5 lines, not 500). `total` 0 = unknown size: the
 * bytes so far without a bar.
 */
export function progressBar(label: string, total: number): { update(done: number): void; end(): void } {
  const tty = process.stderr.isTTY === true
  let lastQuarter = -1
  let lastMb = -1
  const draw = (done: number) => {
    if (total <= 0) return `${label} ${mb(done)}`
    const f = Math.min(1, done / total)
    const width = 30
    const filled = Math.round(f * width)
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(f * 100)).padStart(3)}% ${mb(done)}/${mb(total)}`
  }
  return {
    update(done) {
      if (tty) process.stderr.write(`\r${draw(done)}`)
      else if (total > 0) {
        const q = Math.floor((done / total) * 4)
        if (q > lastQuarter) {
          lastQuarter = q
          process.stderr.write(`${draw(done)}\n`)
        }
      } else {
        // Unknown size: one line per 100 MB.
        const step = Math.floor(done / (100 * 1024 * 1024))
        if (step > lastMb) {
          lastMb = step
          process.stderr.write(`${draw(done)}\n`)
        }
      }
    },
    end() {
      if (tty) process.stderr.write('\n')
    },
  }
}
