// Runs `arena …` in-process, capturing what it prints (stdout and stderr).
import { vi } from 'vitest'
import { main } from '../../bin/cli.ts'

export interface ArenaRun {
  code: number
  out: string
  err: string
}

export async function arena(...argv: string[]): Promise<ArenaRun> {
  let out = ''
  let err = ''
  const spies = [
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (out += `${a.join(' ')}\n`)),
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (err += `${a.join(' ')}\n`)),
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true)),
  ]
  try {
    return { code: await main(argv), out, err }
  } finally {
    for (const s of spies) s.mockRestore()
  }
}
