import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { LocalStorage, StorageKeyError, StorageLimitError } from '../../lib/platform/storage.ts'

const root = mkdtempSync(path.join(os.tmpdir(), 'arena-storage-'))
const store = new LocalStorage(root)
afterAll(() => rmSync(root, { recursive: true, force: true }))

async function* chunks(n: number, size: number) {
  for (let i = 0; i < n; i++) yield new Uint8Array(size).fill(i % 256)
}

describe('LocalStorage', () => {
  it('streams an object in, reports size, sha256 and progress, and reads it back', async () => {
    const seen: number[] = []
    const res = await store.put('a/b/file.bin', chunks(4, 1000), { onProgress: (b) => seen.push(b) })
    expect(res.size).toBe(4000)
    expect(res.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(seen.at(-1)).toBe(4000)
    const back = await store.readBuffer('a/b/file.bin')
    expect(back.length).toBe(4000)
    expect(back[3500]).toBe(3)
    expect(await store.list('a')).toEqual(['a/b/file.bin'])
    expect(await store.size('a/b/file.bin')).toBe(4000)
  })

  it('rejects an object over the limit and leaves nothing behind', async () => {
    await expect(store.put('big/x.csv', chunks(10, 1000), { limitBytes: 5000 })).rejects.toBeInstanceOf(StorageLimitError)
    expect(await store.exists('big/x.csv')).toBe(false)
    expect(readdirSync(path.join(root, 'big'))).toEqual([])
  })

  it('keeps the old object when a replacing write fails half-way', async () => {
    await store.put('keep.txt', Buffer.from('old'))
    const failing = new Readable({
      read() {
        this.push(Buffer.from('new partial'))
        this.destroy(new Error('connection reset'))
      },
    })
    await expect(store.put('keep.txt', failing)).rejects.toThrow('connection reset')
    expect((await store.readBuffer('keep.txt')).toString()).toBe('old')
  })

  it('refuses keys that escape the store', async () => {
    await expect(store.put('../escape.txt', Buffer.from('x'))).rejects.toBeInstanceOf(StorageKeyError)
    expect(() => store.localPath('/etc/passwd')).toThrow(StorageKeyError)
    expect(() => store.localPath('a/../../x')).toThrow(StorageKeyError)
    expect(store.localPath('a/./b').startsWith(root)).toBe(true)
  })

  it('deletes by prefix', async () => {
    await store.put('p/1', Buffer.from('1'))
    await store.put('p/2', Buffer.from('2'))
    await store.deletePrefix('p')
    expect(await store.list('p')).toEqual([])
  })
})
