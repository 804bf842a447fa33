import type { ActiveSplit } from '@/lib/testsets/reads'
import { fmtDate } from '@/app/components/format'

/** Tells participants that the organizer replaced the test set and everything was rescored. */
export function TestSetNotice({ split }: { split: ActiveSplit | null }) {
  if (!split?.replacedEarlier || !split.activatedAt) return null
  return (
    <p className="flash flash-notice" role="status" data-testid="testset-notice">
      The test set was updated to version {split.version} on {fmtDate(split.activatedAt)}; all submissions were rescored against it.
    </p>
  )
}

/** "40% (12 of 30 images)": the real public share of the active version. */
export function publicShareText(split: ActiveSplit): string {
  return `${Math.round(split.publicShare * 100)}% (${split.publicCount} of ${split.imageCount})`
}
