import type { Metadata } from 'next'
import type { ReactNode } from 'react'
import './globals.css'

export const metadata: Metadata = {
  title: { default: 'Prompt Arena', template: '%s · Prompt Arena' },
  description: 'Open evaluation and leaderboards for image-to-prompt competitions',
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site">
          <a className="brand" href="/">Prompt Arena</a>
          <nav aria-label="Main">
            <a href="/">Competitions</a>
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  )
}
