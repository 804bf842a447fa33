// What a DATABASE_URL names: `file:…` is the embedded SQLite file, anything else PostgreSQL.
export type Provider = 'sqlite' | 'postgresql'

export function providerOf(url: string): Provider {
  return url.startsWith('file:') ? 'sqlite' : 'postgresql'
}

export function sqliteFile(url: string): string {
  return url.replace(/^file:/, '').replace(/\?.*$/, '')
}
