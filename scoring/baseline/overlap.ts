/**
 * Training images that overlap the hidden test set: the same file (sha256 of the bytes) or the
 * same prompt after normalisation. A baseline fitted on such images would be scored on what it
 * memorised, so the organizer is told before it runs (pure: hashes and prompts are passed in).
 */

export interface OverlapItem {
  readonly id: string
  /** sha256 (hex) of the image file's bytes. */
  readonly sha256: string
  readonly prompt?: string
}

export interface Overlap {
  readonly trainId: string
  readonly hiddenId: string
  readonly reason: 'same-file' | 'same-prompt'
}

/**
 * Prompt identity for overlap purposes: Unicode NFKC, case-folded, punctuation dropped and
 * whitespace collapsed ("A cat, on a mat." and "a cat on a mat" are the same prompt).
 */
export function normalizePrompt(prompt: string): string {
  return prompt
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim()
}

/** Every (training, hidden) pair with the same bytes or the same normalised prompt; same-file first. */
export function findOverlaps(train: readonly OverlapItem[], hidden: readonly OverlapItem[]): Overlap[] {
  const byHash = new Map<string, string[]>()
  const byPrompt = new Map<string, string[]>()
  const add = (m: Map<string, string[]>, key: string, id: string) => m.set(key, [...(m.get(key) ?? []), id])
  for (const h of hidden) {
    add(byHash, h.sha256, h.id)
    if (h.prompt !== undefined && normalizePrompt(h.prompt) !== '') add(byPrompt, normalizePrompt(h.prompt), h.id)
  }
  const out: Overlap[] = []
  for (const t of train) {
    const sameFile = byHash.get(t.sha256) ?? []
    for (const hiddenId of sameFile) out.push({ trainId: t.id, hiddenId, reason: 'same-file' })
    if (t.prompt === undefined) continue
    for (const hiddenId of byPrompt.get(normalizePrompt(t.prompt)) ?? []) {
      if (!sameFile.includes(hiddenId)) out.push({ trainId: t.id, hiddenId, reason: 'same-prompt' })
    }
  }
  return out.sort((a, b) => (a.reason === b.reason ? 0 : a.reason === 'same-file' ? -1 : 1))
}
