import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig, repoRoot } from '../../lib/platform/config.ts'

describe('loadConfig', () => {
  it('defaults to the embedded SQLite file under the data dir, port 3000, embedded queue', () => {
    const c = loadConfig({})
    expect(c.dataDir).toBe(path.join(repoRoot, 'data'))
    expect(c.databaseUrl).toBe(`file:${path.join(repoRoot, 'data', 'arena.db')}`)
    expect(c.databaseProvider).toBe('sqlite')
    expect(c.redisUrl).toBeUndefined()
    expect(c.port).toBe(3000)
    expect(c.uploadLimitBytes).toBe(500 * 1024 * 1024)
  })

  it('reads PostgreSQL, Redis and numeric settings', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db', REDIS_URL: 'redis://127.0.0.1:6379', PORT: '8080', ARENA_INPROCESS_WORKERS: '0', ARENA_DEMO: 'false' })
    expect(c.databaseProvider).toBe('postgresql')
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379')
    expect(c.port).toBe(8080)
    expect(c.inProcessWorkers).toBe(0)
    expect(c.demo).toBe(false)
  })

  it('treats empty variables as unset', () => {
    expect(loadConfig({ REDIS_URL: '', DATABASE_URL: '' }).databaseProvider).toBe('sqlite')
  })

  it('names every invalid variable', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x', PORT: 'abc' })).toThrow(ConfigError)
    try {
      loadConfig({ DATABASE_URL: 'mysql://x', PORT: 'abc' })
    } catch (err) {
      expect((err as Error).message).toMatch(/DATABASE_URL: DATABASE_URL must start with file: or postgres:\/\//)
      expect((err as Error).message).toMatch(/PORT:/)
    }
  })
})
