'use client'
import { usePathname } from 'next/navigation'

export interface Tab {
  href: string
  label: string
}

/** Section tabs; the current one is marked with aria-current (rendered on the server too). */
export function Tabs({ tabs, label }: { tabs: Tab[]; label: string }) {
  const path = usePathname()
  const current = [...tabs].sort((a, b) => b.href.length - a.href.length).find((t) => path === t.href || path.startsWith(`${t.href}/`))
  return (
    <nav className="tabs" aria-label={label}>
      {tabs.map((t) => (
        <a key={t.href} href={t.href} aria-current={current?.href === t.href ? 'page' : undefined}>
          {t.label}
        </a>
      ))}
    </nav>
  )
}
