'use client'
import { useEffect, useState } from 'react'
import { fmtAgo, fmtDate } from './format'

/** `29 Nov 2026, 21:15` in the viewer's zone (the browser's locale decides the order). */
function localText(d: Date): string {
  return new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d)
}

/**
 * A time in the viewer's time zone, with UTC on hover. The server does not know the zone, so the
 * first render (server and hydration) shows UTC and the browser switches to local time once
 * mounted. `relative` shows "3 h ago" for times within a week (then the date), refreshed each minute.
 */
export function LocalTime({ at, relative = false }: { at: Date | string; relative?: boolean }) {
  const d = typeof at === 'string' ? new Date(at) : at
  const iso = d.toISOString()
  const [text, setText] = useState(() => fmtDate(d))
  useEffect(() => {
    const t = new Date(iso)
    const show = () => {
      const now = new Date()
      const age = now.getTime() - t.getTime()
      setText(relative && age >= 0 && age < 7 * 86_400_000 ? fmtAgo(t, now) : localText(t))
    }
    show()
    if (!relative) return
    const timer = setInterval(show, 60_000)
    return () => clearInterval(timer)
  }, [iso, relative])
  return (
    <time dateTime={iso} title={fmtDate(d)}>
      {text}
    </time>
  )
}
