/**
 * BERT uncased tokenizer (BertNormalizer + BertPreTokenizer + WordPiece), written to give exactly
 * the ids of Hugging Face's fast tokenizer (`tokenizers`, Rust) for all-MiniLM-L6-v2, as used by
 * Python sentence-transformers. Pure: built from the text of vocab.txt and tokenizer.json.
 *
 * Where the Rust implementation and Python's slow BertTokenizer differ, this follows Rust (the
 * truth is computed with the fast tokenizer):
 *  - clean_text removes U+0000, U+FFFD and every "other" (C*) character except \t \n \r, then maps
 *    every White_Space character (not only Zs) to ' ';
 *  - accents are stripped (NFD, drop Mn) BEFORE lower-casing, and lower-casing is per character
 *    (no final-sigma rule);
 *  - Rust's CJK ranges have 0x2B920 where Python's have 0x2B820;
 *  - the Rust crate's Unicode category tables are older than Node's: characters added since are
 *    ordinary letters there (not removed, not stripped, not split on), and a few changed category or
 *    gained a decomposition. unicode-legacy.ts lists them; it was derived by running the fast
 *    tokenizer's normaliser and pre-tokenizer over every code point and diffing.
 */
import { isOrdinaryInRust, RUST_EXTRA_NONSPACING, RUST_EXTRA_PUNCTUATION, RUST_NO_DECOMPOSE } from './unicode-legacy.ts'

export interface BertTokenizerConfig {
  lowercase: boolean
  stripAccents: boolean
  handleChineseChars: boolean
  cleanText: boolean
  unkToken: string
  clsToken: string
  sepToken: string
  padToken: string
  continuingSubwordPrefix: string
  maxInputCharsPerWord: number
  /** Literal strings matched in the raw text before normalisation (e.g. `[MASK]`). */
  addedTokens: string[]
}

export const DEFAULT_BERT_CONFIG: BertTokenizerConfig = {
  lowercase: true,
  stripAccents: true,
  handleChineseChars: true,
  cleanText: true,
  unkToken: '[UNK]',
  clsToken: '[CLS]',
  sepToken: '[SEP]',
  padToken: '[PAD]',
  continuingSubwordPrefix: '##',
  maxInputCharsPerWord: 100,
  addedTokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'],
}

/** sentence-transformers' max_seq_length for all-MiniLM-L6-v2, [CLS] and [SEP] included. */
export const DEFAULT_MAX_LENGTH = 256

const P_CATEGORY = /\p{P}/u
const OTHER_CATEGORY = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u
const NONSPACING_MARK = /\p{Mn}/u

/** Rust `char::is_whitespace` (the Unicode White_Space property), used by the Rust tokenizer. */
export function isWhitespace(cp: number): boolean {
  return (
    (cp >= 0x09 && cp <= 0x0d) ||
    cp === 0x20 ||
    cp === 0x85 ||
    cp === 0xa0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  )
}

/** tokenizers' `is_control`: category C* except \t \n \r (plus code points unassigned in its tables). */
export function isControl(cp: number): boolean {
  if (cp === 0x09 || cp === 0x0a || cp === 0x0d) return false
  return OTHER_CATEGORY.test(String.fromCodePoint(cp)) && !isOrdinaryInRust(cp)
}

/** ASCII punctuation (33-47, 58-64, 91-96, 123-126) or a Unicode P* category. */
export function isPunctuation(cp: number): boolean {
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
    return true
  }
  if (RUST_EXTRA_PUNCTUATION.has(cp)) return true
  return P_CATEGORY.test(String.fromCodePoint(cp)) && !isOrdinaryInRust(cp)
}

/** The "CJK Unified Ideographs" blocks that BERT surrounds with spaces (not kana or hangul). */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) || // sic: Rust tokenizers has 0x2B920 here, Python 0x2B820
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  )
}

function isNonspacingMark(cp: number): boolean {
  if (RUST_EXTRA_NONSPACING.has(cp)) return true
  return NONSPACING_MARK.test(String.fromCodePoint(cp)) && !isOrdinaryInRust(cp)
}

/** NFD as Rust's unicode-normalization does it (it leaves RUST_NO_DECOMPOSE characters whole). */
function nfd(text: string): string {
  let plain = true
  for (const ch of text) {
    if (RUST_NO_DECOMPOSE.has(ch.codePointAt(0) ?? 0)) {
      plain = false
      break
    }
  }
  if (plain) return text.normalize('NFD')
  let out = ''
  let run = ''
  for (const ch of text) {
    if (RUST_NO_DECOMPOSE.has(ch.codePointAt(0) ?? 0)) {
      out += run.normalize('NFD') + ch
      run = ''
    } else {
      run += ch
    }
  }
  return out + run.normalize('NFD')
}

/** BertNormalizer: clean text, space out CJK ideographs, strip accents, lower-case. */
export function normalize(text: string, config: BertTokenizerConfig = DEFAULT_BERT_CONFIG): string {
  let out = ''
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0
    if (config.cleanText) {
      if (cp === 0 || cp === 0xfffd || isControl(cp)) continue
      if (isWhitespace(cp)) {
        out += ' '
        continue
      }
    }
    if (config.handleChineseChars && isChineseChar(cp)) out += ` ${ch} `
    else out += ch
  }
  if (config.stripAccents) {
    let stripped = ''
    for (const ch of nfd(out)) {
      if (!isNonspacingMark(ch.codePointAt(0) ?? 0)) stripped += ch
    }
    out = stripped
  }
  // Per character, like Rust's char::to_lowercase: no context rules (a final Σ becomes σ, not ς).
  if (config.lowercase) {
    let lower = ''
    for (const ch of out) lower += ch.toLowerCase()
    out = lower
  }
  return out
}

/** BertPreTokenizer: split on whitespace (dropped) and on each punctuation character (kept). */
export function preTokenize(normalized: string): string[] {
  const words: string[] = []
  let current = ''
  for (const ch of normalized) {
    const cp = ch.codePointAt(0) ?? 0
    if (isWhitespace(cp)) {
      if (current) words.push(current)
      current = ''
    } else if (isPunctuation(cp)) {
      if (current) words.push(current)
      words.push(ch)
      current = ''
    } else {
      current += ch
    }
  }
  if (current) words.push(current)
  return words
}

export class BertTokenizer {
  readonly config: BertTokenizerConfig
  readonly vocabSize: number
  readonly clsId: number
  readonly sepId: number
  readonly padId: number
  readonly unkId: number
  private readonly vocab: Map<string, number>
  private readonly addedIds: Map<string, number>
  /** Added tokens, longest first, so the leftmost-longest match wins. */
  private readonly addedByLength: string[]
  private readonly addedFirstChars: Set<string>

  constructor(vocab: Map<string, number>, config: BertTokenizerConfig = DEFAULT_BERT_CONFIG) {
    this.vocab = vocab
    this.config = config
    this.vocabSize = vocab.size
    const id = (token: string): number => {
      const v = vocab.get(token)
      if (v === undefined) throw new Error(`tokenizer: special token ${token} is not in the vocabulary`)
      return v
    }
    this.clsId = id(config.clsToken)
    this.sepId = id(config.sepToken)
    this.padId = id(config.padToken)
    this.unkId = id(config.unkToken)
    this.addedIds = new Map(config.addedTokens.map((t) => [t, id(t)]))
    this.addedByLength = [...config.addedTokens].sort((a, b) => b.length - a.length)
    this.addedFirstChars = new Set(config.addedTokens.map((t) => t[0]))
  }

  /** Builds from the text of vocab.txt (one token per line, id = line number). */
  static fromVocabText(vocabText: string, config: BertTokenizerConfig = DEFAULT_BERT_CONFIG): BertTokenizer {
    const lines = vocabText.split('\n')
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
    const vocab = new Map<string, number>()
    lines.forEach((line, i) => {
      const token = line.endsWith('\r') ? line.slice(0, -1) : line
      if (!vocab.has(token)) vocab.set(token, i)
    })
    return new BertTokenizer(vocab, config)
  }

  /** WordPiece, greedy longest-match-first. A word longer than the limit, or with no split, is [UNK]. */
  wordPiece(word: string): number[] {
    const chars = Array.from(word)
    if (chars.length > this.config.maxInputCharsPerWord) return [this.unkId]
    const ids: number[] = []
    let start = 0
    while (start < chars.length) {
      let end = chars.length
      let found: number | undefined
      while (start < end) {
        let piece = chars.slice(start, end).join('')
        if (start > 0) piece = this.config.continuingSubwordPrefix + piece
        const id = this.vocab.get(piece)
        if (id !== undefined) {
          found = id
          break
        }
        end--
      }
      if (found === undefined) return [this.unkId]
      ids.push(found)
      start = end
    }
    return ids
  }

  /** Token ids without [CLS]/[SEP], untruncated. */
  tokenizeToIds(text: string): number[] {
    const ids: number[] = []
    for (const segment of this.splitAddedTokens(text)) {
      if (segment.added) {
        ids.push(segment.id)
        continue
      }
      for (const word of preTokenize(normalize(segment.text, this.config))) ids.push(...this.wordPiece(word))
    }
    return ids
  }

  /** [CLS] ids [SEP], truncated so that the whole sequence has at most `maxLength` ids. */
  encode(text: string, maxLength: number = DEFAULT_MAX_LENGTH): number[] {
    if (maxLength < 2) throw new Error(`tokenizer: maxLength must be at least 2, got ${maxLength}`)
    const body = this.tokenizeToIds(text)
    if (body.length > maxLength - 2) body.length = maxLength - 2
    return [this.clsId, ...body, this.sepId]
  }

  /** Splits raw text on literal added tokens ([CLS], [MASK], ...), matched before normalisation. */
  private splitAddedTokens(text: string): ({ added: false; text: string } | { added: true; id: number })[] {
    const out: ({ added: false; text: string } | { added: true; id: number })[] = []
    if (this.addedByLength.length === 0) return [{ added: false, text }]
    let plainStart = 0
    let i = 0
    while (i < text.length) {
      let match: string | undefined
      if (this.addedFirstChars.has(text[i])) match = this.addedByLength.find((t) => text.startsWith(t, i))
      if (match) {
        if (i > plainStart) out.push({ added: false, text: text.slice(plainStart, i) })
        out.push({ added: true, id: this.addedIds.get(match) ?? this.unkId })
        i += match.length
        plainStart = i
      } else {
        i++
      }
    }
    if (plainStart < text.length) out.push({ added: false, text: text.slice(plainStart) })
    return out
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Reads the settings that matter from tokenizer.json (normaliser flags, WordPiece settings, added
 * tokens); anything missing keeps the BERT uncased default. Throws on a non-BERT tokenizer.
 */
export function configFromTokenizerJson(json: unknown): BertTokenizerConfig {
  if (!isRecord(json)) throw new Error('tokenizer.json: not a JSON object')
  const config: BertTokenizerConfig = { ...DEFAULT_BERT_CONFIG }
  const norm = json.normalizer
  if (isRecord(norm)) {
    if (norm.type !== 'BertNormalizer') throw new Error(`tokenizer.json: unsupported normalizer ${String(norm.type)}`)
    if (typeof norm.lowercase === 'boolean') config.lowercase = norm.lowercase
    if (typeof norm.clean_text === 'boolean') config.cleanText = norm.clean_text
    if (typeof norm.handle_chinese_chars === 'boolean') config.handleChineseChars = norm.handle_chinese_chars
    // strip_accents: null means "same as lowercase".
    config.stripAccents = typeof norm.strip_accents === 'boolean' ? norm.strip_accents : config.lowercase
  }
  const model = json.model
  if (isRecord(model)) {
    if (model.type !== undefined && model.type !== 'WordPiece') {
      throw new Error(`tokenizer.json: unsupported model ${String(model.type)}`)
    }
    if (typeof model.unk_token === 'string') config.unkToken = model.unk_token
    if (typeof model.continuing_subword_prefix === 'string') config.continuingSubwordPrefix = model.continuing_subword_prefix
    if (typeof model.max_input_chars_per_word === 'number') config.maxInputCharsPerWord = model.max_input_chars_per_word
  }
  if (Array.isArray(json.added_tokens)) {
    config.addedTokens = json.added_tokens
      .filter(isRecord)
      .map((t) => t.content)
      .filter((c): c is string => typeof c === 'string' && c.length > 0)
  }
  return config
}
