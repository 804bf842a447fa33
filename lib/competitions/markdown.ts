// Competition descriptions and rules are Markdown written by organizers: rendered with `marked`
// (GitHub-flavoured) and sanitised with `sanitize-html`, so neither a careless nor a hostile text
// can run script in participants' browsers. Server-side only (server components).
import { Marked } from 'marked'
import sanitizeHtml from 'sanitize-html'

const marked = new Marked({ gfm: true, breaks: false, async: false })

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'h1', 'h2', 'del'],
  allowedAttributes: { a: ['href', 'title', 'rel', 'target'], img: ['src', 'alt', 'title', 'width', 'height'], code: ['class'], th: ['align'], td: ['align'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['https'] },
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener', target: '_blank' }) },
}

/** Safe HTML for a Markdown text. */
export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown, { async: false })
  return sanitizeHtml(html, SANITIZE)
}
