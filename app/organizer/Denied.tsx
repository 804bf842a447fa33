export function Denied({ signedIn, returnTo }: { signedIn: boolean; returnTo: string }) {
  return (
    <section className="card">
      <h1>Organizer console</h1>
      {signedIn ? (
        <p>This page is for organizers only.</p>
      ) : (
        <p>
          <a href={`/signin?returnTo=${encodeURIComponent(returnTo)}`}>Sign in</a> with an organizer account.
        </p>
      )}
    </section>
  )
}

export function ConsoleNav({ current }: { current: 'home' | 'jobs' | 'users' }) {
  return (
    <nav className="subtabs" aria-label="Organizer console">
      <a href="/organizer" aria-current={current === 'home' ? 'page' : undefined}>
        Competitions
      </a>
      <a href="/organizer/jobs" aria-current={current === 'jobs' ? 'page' : undefined}>
        Jobs
      </a>
      <a href="/organizer/users" aria-current={current === 'users' ? 'page' : undefined}>
        Users
      </a>
    </nav>
  )
}
