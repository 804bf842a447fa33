'use client'
import { useEffect, useState } from 'react'

export function formatLeft(ms: number): string {
  if (ms <= 0) return 'closed'
  const s = Math.floor(ms / 1000)
  const d = Math.floor(s / 86_400)
  const h = Math.floor((s % 86_400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  if (d > 0) return `${d} d ${h} h ${m} min`
  return `${h} h ${String(m).padStart(2, '0')} min ${String(s % 60).padStart(2, '0')} s`
}

/**
 * Time left until `target`, ticking in the browser. The server renders the value for its own
 * clock (`now`), so the page is right without JavaScript and the first client render matches.
 */
export function Countdown({ target, now, label }: { target: string; now: string; label?: string }) {
  const targetMs = Date.parse(target)
  const [left, setLeft] = useState(() => targetMs - Date.parse(now))
  useEffect(() => {
    const tick = () => setLeft(targetMs - Date.now())
    tick()
    const id = setInterval(tick, 1000)
    return () => clearInterval(id)
  }, [targetMs])
  const text = formatLeft(left)
  return (
    <time className="countdown" dateTime={target} title={new Date(targetMs).toUTCString()} aria-label={label ? `${label}: ${text}` : text}>
      {text}
    </time>
  )
}
