import type { Competition } from '@/lib/platform/db'

/** `datetime-local` value in UTC (the form labels the fields UTC). */
function local(d: Date | null | undefined): string {
  return d ? d.toISOString().slice(0, 16) : ''
}

/** Create (no competition) or edit form; posts to the console's form route. */
export function CompetitionForm({ competition: c }: { competition?: Competition }) {
  const now = new Date()
  return (
    <form method="post" action="/forms/organizer/competition">
      {c ? <input type="hidden" name="original" value={c.slug} /> : null}
      <input type="hidden" name="returnTo" value={c ? `/organizer/${c.slug}` : '/organizer'} />
      <div className="form-grid">
        {!c && (
          <div>
            <label htmlFor="cf-slug">Slug (URL)</label>
            <input id="cf-slug" name="slug" required pattern="[a-z0-9][a-z0-9\-]{1,62}" placeholder="sd-image-to-prompts" aria-describedby="cf-slug-hint" />
            <small id="cf-slug-hint" className="muted">
              lower-case letters, digits, dashes
            </small>
          </div>
        )}
        <div>
          <label htmlFor="cf-title">Title</label>
          <input id="cf-title" name="title" required maxLength={200} defaultValue={c?.title} />
        </div>
        <div>
          <label htmlFor="cf-subtitle">Subtitle</label>
          <input id="cf-subtitle" name="subtitle" maxLength={300} defaultValue={c?.subtitle} />
        </div>
      </div>
      <label htmlFor="cf-description">Description (Markdown: the task, data and evaluation)</label>
      <textarea id="cf-description" name="description" rows={5} defaultValue={c?.description} style={{ maxWidth: '100%' }} />
      <label htmlFor="cf-rules">Rules (Markdown, optional: participants must accept them to join)</label>
      <textarea id="cf-rules" name="rules" rows={4} defaultValue={c?.rules} style={{ maxWidth: '100%' }} />
      <div className="form-grid">
        <div>
          <label htmlFor="cf-start">Start (UTC)</label>
          <input id="cf-start" name="startAt" type="datetime-local" required defaultValue={local(c?.startAt ?? now)} />
        </div>
        <div>
          <label htmlFor="cf-merger">Merger deadline (UTC, optional)</label>
          <input id="cf-merger" name="mergerDeadline" type="datetime-local" defaultValue={local(c?.mergerDeadline)} />
        </div>
        <div>
          <label htmlFor="cf-deadline">Deadline (UTC)</label>
          <input id="cf-deadline" name="deadline" type="datetime-local" required defaultValue={local(c?.deadline ?? new Date(now.getTime() + 30 * 86_400_000))} />
        </div>
        <div>
          <label htmlFor="cf-daily">Submissions per day</label>
          <input id="cf-daily" name="dailySubmissionLimit" type="number" min={1} max={1000} defaultValue={c?.dailySubmissionLimit ?? 5} />
        </div>
        <div>
          <label htmlFor="cf-team">Max team size</label>
          <input id="cf-team" name="maxTeamSize" type="number" min={1} max={100} defaultValue={c?.maxTeamSize ?? 5} />
        </div>
        <div>
          <label htmlFor="cf-final">Final selections</label>
          <input id="cf-final" name="finalSelectionLimit" type="number" min={1} max={100} defaultValue={c?.finalSelectionLimit ?? 2} />
        </div>
        <div>
          <label htmlFor="cf-fraction">Public fraction (new test sets)</label>
          <input id="cf-fraction" name="publicFraction" type="number" step="0.01" min={0.01} max={0.99} defaultValue={c?.publicFraction ?? 0.3} />
        </div>
      </div>
      {c && (
        <label style={{ fontWeight: 400 }}>
          <input type="checkbox" name="confirmEnd" value="yes" style={{ width: 'auto', marginRight: '0.4rem' }} />
          End the competition now (needed only when the new deadline lies in the past)
        </label>
      )}
      {!c && <p className="muted">A new competition is a draft: only organizers see it until you publish it.</p>}
      <div className="actions">
        <button type="submit">{c ? 'Save changes' : 'Create competition'}</button>
      </div>
    </form>
  )
}
