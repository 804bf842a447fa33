/**
 * Incremental, quote-aware CSV tokenizer over bytes (the general, "slow" path).
 * Rules (RFC 4180 as papaparse applies them):
 * - records end at LF; a CR right before the LF is dropped (CRLF files);
 * - a field starting with `"` is quoted: `""` is a literal quote, commas and newlines are data;
 *   anything but `,`/newline after the closing quote is an error (papaparse: InvalidQuotes);
 * - a quote inside an unquoted field is ordinary data;
 * - empty lines (nothing, or a lone CR) are skipped everywhere;
 * - a missing final newline is fine; an unclosed quote at the end is an error.
 * Field bytes are unescaped into a scratch buffer, so chunk boundaries never matter.
 */
import { scoringError, type ScoringError } from './errors.ts'

export interface CsvRecord {
  /** Physical line where the record starts. */
  readonly line: number
  /** Holds the unescaped bytes of every field of this record (valid only during the callback). */
  readonly buf: Uint8Array
  readonly starts: readonly number[]
  readonly ends: readonly number[]
}

/** Return false to stop the tokenizer right after this record. */
export type OnRecord = (record: CsvRecord) => boolean

const FIELD_START = 0
const UNQUOTED = 1
const QUOTED = 2
const QUOTE_IN_QUOTED = 3
const CR_AFTER_QUOTE = 4

export class CsvTokenizer {
  /** Set when the tokenizer stopped on malformed input. */
  error: ScoringError | undefined
  /** Line of the next byte to be read. */
  line: number
  private state = FIELD_START
  private buf = new Uint8Array(4096)
  private len = 0
  private readonly starts: number[] = [0]
  private readonly ends: number[] = []
  private recordLine: number
  private anyQuoted = false

  constructor(
    private readonly onRecord: OnRecord,
    startLine = 1,
    private readonly maxRecordBytes = 1 << 20,
  ) {
    this.line = startLine
    this.recordLine = startLine
  }

  /**
   * Consumes `chunk[from..]`. Returns -1 when all of it was consumed, otherwise the offset
   * just after the record at which onRecord returned false or an error occurred.
   */
  feed(chunk: Uint8Array, from = 0): number {
    for (let i = from; i < chunk.length; i++) {
      const c = chunk[i]
      switch (this.state) {
        case FIELD_START:
          if (c === 34) {
            this.state = QUOTED
            this.anyQuoted = true
            continue
          }
          this.state = UNQUOTED
        // falls through
        case UNQUOTED:
          if (c === 44) this.endField()
          else if (c === 10) {
            if (this.len > this.starts[this.starts.length - 1] && this.buf[this.len - 1] === 13) this.len--
            if (!this.endRecord()) return i + 1
          } else if (!this.push(c)) return i + 1
          continue
        case QUOTED:
          if (c === 34) this.state = QUOTE_IN_QUOTED
          else {
            if (c === 10) this.line++
            if (!this.push(c)) return i + 1
          }
          continue
        case QUOTE_IN_QUOTED:
          if (c === 34) {
            this.state = QUOTED
            if (!this.push(34)) return i + 1
          } else if (c === 44) this.endField()
          else if (c === 10) {
            if (!this.endRecord()) return i + 1
          } else if (c === 13) this.state = CR_AFTER_QUOTE
          else return this.fail('bad_quote', 'unexpected character after a closing quote', i)
          continue
        case CR_AFTER_QUOTE:
          if (c !== 10) return this.fail('bad_quote', 'unexpected character after a closing quote', i)
          if (!this.endRecord()) return i + 1
          continue
      }
    }
    return -1
  }

  /** Flushes a last record without a final newline. Returns false on error (see `error`). */
  finish(): boolean {
    if (this.error) return false
    if (this.state === QUOTED) {
      this.error = scoringError('unclosed_quote', 'quoted field is never closed', this.recordLine)
      return false
    }
    if (this.state === CR_AFTER_QUOTE) this.state = QUOTE_IN_QUOTED
    if (this.state === UNQUOTED && this.buf[this.len - 1] === 13 && this.len > this.starts[this.starts.length - 1]) {
      this.len--
    }
    if (this.state !== FIELD_START || this.starts.length > 1) this.endRecord()
    return !this.error
  }

  private fail(code: 'bad_quote' | 'line_too_long', detail: string, i: number): number {
    this.error = scoringError(code, detail, this.recordLine)
    return i + 1
  }

  private push(c: number): boolean {
    if (this.len === this.buf.length) {
      if (this.len >= this.maxRecordBytes) {
        this.error = scoringError('line_too_long', `record is longer than ${this.maxRecordBytes} bytes`, this.recordLine)
        return false
      }
      const bigger = new Uint8Array(this.buf.length * 2)
      bigger.set(this.buf)
      this.buf = bigger
    }
    this.buf[this.len++] = c
    return true
  }

  private endField(): void {
    this.ends.push(this.len)
    this.starts.push(this.len)
    this.state = FIELD_START
  }

  private endRecord(): boolean {
    this.ends.push(this.len)
    const blank = this.starts.length === 1 && this.len === 0 && !this.anyQuoted
    let keepGoing = true
    if (!blank) keepGoing = this.onRecord({ line: this.recordLine, buf: this.buf, starts: this.starts, ends: this.ends })
    this.line++
    this.recordLine = this.line
    this.len = 0
    this.starts.length = 1
    this.ends.length = 0
    this.state = FIELD_START
    this.anyQuoted = false
    return keepGoing
  }
}
