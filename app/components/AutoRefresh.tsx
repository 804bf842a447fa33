'use client'
import { useRouter } from 'next/navigation'
import { useEffect } from 'react'

/** Re-renders the server page every `ms` while `active` (e.g. while submissions are being scored). */
export function AutoRefresh({ active, ms = 2000 }: { active: boolean; ms?: number }) {
  const router = useRouter()
  useEffect(() => {
    if (!active) return
    const id = setInterval(() => router.refresh(), ms)
    return () => clearInterval(id)
  }, [active, ms, router])
  return null
}
