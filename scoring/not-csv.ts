/**
 * Files that are not CSV text, named from their first bytes so the message can say what was
 * sent and what to send instead. Used by source.ts on every file (after decompression) and by
 * detect.ts.
 */
import { scoringError, type ScoringError } from './errors.ts'

export const SEND_INSTEAD = 'send the CSV itself (UTF-8), a .csv.gz, or a .zip holding one .csv'

function startsWith(b: Uint8Array, magic: readonly number[], at = 0): boolean {
  if (b.length < at + magic.length) return false
  for (let i = 0; i < magic.length; i++) if (b[at + i] !== magic[i]) return false
  return true
}

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0))

/** Magic numbers of files people upload by mistake, with what they are called. */
const KNOWN: readonly { magic: readonly number[]; what: string; hint: string }[] = [
  {
    magic: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    what: 'an old-style Excel workbook (.xls) or other Office document',
    hint: 'save it as "CSV UTF-8" (File › Save As) and send that, or a .csv.gz',
  },
  { magic: ascii('%PDF-'), what: 'a PDF document', hint: SEND_INSTEAD },
  { magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], what: 'a PNG image', hint: SEND_INSTEAD },
  { magic: [0xff, 0xd8, 0xff], what: 'a JPEG image', hint: SEND_INSTEAD },
  { magic: ascii('BZh'), what: 'a bzip2 archive, which is not supported', hint: SEND_INSTEAD },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'an xz archive, which is not supported', hint: SEND_INSTEAD },
  { magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive, which is not supported', hint: SEND_INSTEAD },
  { magic: ascii('Rar!'), what: 'a RAR archive, which is not supported', hint: SEND_INSTEAD },
]

/**
 * Names what `head` (the first bytes of a file, after decompression) is when it is not CSV
 * text: UTF-16 (by its BOM, or by NUL bytes at every other position of ASCII text), Office and
 * other binary formats by their magic numbers, anything else holding NUL bytes as binary.
 * Returns undefined for bytes that may be a UTF-8 CSV.
 */
export function identifyNotCsv(head: Uint8Array): ScoringError | undefined {
  const notCsv = (what: string, hint: string) => scoringError('not_csv', `The file is ${what}, not a CSV: ${hint}`)
  const utf16 = 'UTF-16 text (as Excel\'s "Unicode text" writes it)'
  const reencode = 'save it as "CSV UTF-8" or re-encode it as UTF-8, then send it again'
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return notCsv(utf16, reencode)
  for (const k of KNOWN) if (startsWith(head, k.magic)) return notCsv(k.what, k.hint)
  const n = Math.min(head.length, 512)
  let evenNul = 0
  let oddNul = 0
  for (let i = 0; i < n; i++) {
    if (head[i] === 0) {
      if (i % 2 === 0) evenNul++
      else oddNul++
    }
  }
  // ASCII text in UTF-16 without a BOM: a NUL at every other byte (BE: even, LE: odd).
  if (n >= 4 && Math.max(evenNul, oddNul) >= (n >> 1) * 0.9) return notCsv(`${utf16} without a byte-order mark`, reencode)
  if (evenNul + oddNul > 0) return notCsv('binary data (it contains NUL bytes)', SEND_INSTEAD)
  return undefined
}

