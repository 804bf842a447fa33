import type { Metadata } from 'next'
import { cookies } from 'next/headers'
import { listApiTokens } from '@/lib/accounts/auth'
import { currentUser } from '@/lib/web/session'
import { FLASH_TOKEN_COOKIE } from '@/lib/web/token-flash'
import { Flash, type SearchParams } from '@/app/components/Flash'
import { fmtDate } from '@/app/components/format'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'API tokens' }

export default async function Tokens({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams
  const user = await currentUser()
  if (!user) {
    return (
      <p className="card">
        <a href="/signin?returnTo=%2Faccount%2Ftokens">Sign in</a> to manage your API tokens.
      </p>
    )
  }
  const [tokens, jar] = await Promise.all([listApiTokens(user.id), cookies()])
  const fresh = jar.get(FLASH_TOKEN_COOKIE)?.value
  return (
    <>
      <h1>API tokens</h1>
      <p className="muted">
        Tokens let scripts and the <code>arena</code> CLI act as you: <code>Authorization: Bearer pa_…</code>. Keep them secret; revoke any you no
        longer use.
      </p>
      <Flash error={sp.error} notice={fresh ? undefined : sp.notice} />
      {fresh && (
        <section className="card" aria-labelledby="new-token-h" role="status">
          <h2 id="new-token-h">Your new token</h2>
          <p>Copy it now: it is shown only this once.</p>
          <p className="token-once" data-testid="new-token">
            {fresh}
          </p>
          <form method="post" action="/forms/tokens/dismiss">
            <button type="submit">I have copied it</button>
          </form>
        </section>
      )}
      <section className="card" aria-labelledby="create-h">
        <h2 id="create-h">Create a token</h2>
        <form method="post" action="/forms/tokens/create">
          <label htmlFor="token-name">Name</label>
          <input id="token-name" name="name" required maxLength={100} placeholder="e.g. laptop CLI" />
          <div className="actions">
            <button type="submit">Create token</button>
          </div>
        </form>
      </section>
      <section aria-labelledby="list-h">
        <h2 id="list-h">Your tokens</h2>
        {tokens.length === 0 ? (
          <p className="muted">No tokens yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Starts with</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td>{fmtDate(t.createdAt)}</td>
                  <td>{fmtDate(t.lastUsedAt)}</td>
                  <td>
                    {t.revokedAt ? (
                      <span className="badge failed">revoked {fmtDate(t.revokedAt)}</span>
                    ) : (
                      <form method="post" action="/forms/tokens/revoke">
                        <input type="hidden" name="id" value={t.id} />
                        <button type="submit" className="secondary small" aria-label={`Revoke token ${t.name}`}>
                          Revoke
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  )
}
