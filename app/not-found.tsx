import type { Metadata } from 'next'

export const metadata: Metadata = { title: 'Page not found' }

/** Every unknown path and every notFound() of a page: a real 404 with the ways back. */
export default function NotFound() {
  return (
    <section className="card not-found" aria-labelledby="nf-h">
      <p className="code" aria-hidden="true">
        404
      </p>
      <h1 id="nf-h">Page not found</h1>
      <p>This page does not exist, or you may not see it. Check the address, or start again from the list of competitions.</p>
      <div className="actions" style={{ justifyContent: 'center' }}>
        <a className="button" href="/">
          All competitions
        </a>
        <a href="/signin">Sign in</a>
      </div>
    </section>
  )
}
