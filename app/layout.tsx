import type { Metadata } from 'next'
import type { ReactNode } from 'react'
import { currentUser } from '@/lib/web/session'
import './globals.css'
import './app.css'

export const metadata: Metadata = {
  title: { default: 'Prompt Arena', template: '%s · Prompt Arena' },
  description: 'Open evaluation and leaderboards for image-to-prompt competitions',
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser()
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#content">
          Skip to content
        </a>
        <header className="site">
          <a className="brand" href="/">
            Prompt Arena
          </a>
          <nav aria-label="Main">
            <a href="/">Competitions</a>
            {user?.role === 'organizer' && <a href="/organizer">Organizer</a>}
            {user ? (
              <>
                <a href="/account/tokens">
                  <span className="hide-narrow">API tokens</span>
                  <span className="show-narrow">Tokens</span>
                </a>
                <a href="/account" className="whoami" aria-label={`Signed in as ${user.name}: account`}>
                  <span aria-hidden="true" className="avatar">
                    {user.name.slice(0, 1).toUpperCase()}
                  </span>
                  <span className="name">{user.name}</span>
                </a>
                <form method="post" action="/forms/signout" className="inline">
                  <button type="submit" className="secondary small">
                    Sign out
                  </button>
                </form>
              </>
            ) : (
              <>
                <a href="/signin">Sign in</a>
                <a className="button small" href="/signup">
                  Sign up
                </a>
              </>
            )}
          </nav>
        </header>
        <main id="content">{children}</main>
      </body>
    </html>
  )
}
