import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { BertTokenizer, configFromTokenizerJson, normalize, preTokenize } from '../../scoring/embed/tokenizer.ts'
import { loadReferenceFile, MODEL_DIR, SHARED_MODEL_DIR } from './model.ts'

// The tokenizer files (no weights) are in shared/ and in every prepared model folder; these
// tests need no weights.
const TOKENIZER_DIR = existsSync(path.join(SHARED_MODEL_DIR, 'vocab.txt')) ? SHARED_MODEL_DIR : (MODEL_DIR ?? SHARED_MODEL_DIR)
const tok = BertTokenizer.fromVocabText(
  readFileSync(path.join(TOKENIZER_DIR, 'vocab.txt'), 'utf8'),
  configFromTokenizerJson(JSON.parse(readFileSync(path.join(TOKENIZER_DIR, 'tokenizer.json'), 'utf8'))),
)
const pieces = (text: string): string[] => {
  const inv = new Map<number, string>()
  const vocab = readFileSync(path.join(TOKENIZER_DIR, 'vocab.txt'), 'utf8').split('\n')
  vocab.forEach((t, i) => inv.set(i, t))
  return tok.tokenizeToIds(text).map((id) => inv.get(id) ?? '?')
}

describe('BERT uncased tokenizer', () => {
  it('reads the configuration from tokenizer.json', () => {
    expect(tok.config).toMatchObject({ lowercase: true, stripAccents: true, handleChineseChars: true, maxInputCharsPerWord: 100 })
    expect([tok.clsId, tok.sepId, tok.padId, tok.unkId, tok.vocabSize]).toEqual([101, 102, 0, 100, 30522])
  })

  it('wraps in [CLS] ... [SEP]; empty and whitespace-only give just the two', () => {
    expect(tok.encode('')).toEqual([101, 102])
    expect(tok.encode(' \t\n\u00a0\u3000 ')).toEqual([101, 102])
    expect(tok.encode('hello world')).toEqual([101, 7592, 2088, 102])
  })

  it('truncates at 256 ids including [CLS] and [SEP]', () => {
    const text = 'word '.repeat(400)
    const ids = tok.encode(text)
    expect(ids).toHaveLength(256)
    expect(ids[0]).toBe(101)
    expect(ids[255]).toBe(102)
    expect(ids.slice(1, 255).every((id) => id === tok.encode('word')[1])).toBe(true)
    expect(tok.encode('word '.repeat(254))).toHaveLength(256)
    expect(tok.encode('word '.repeat(253))).toHaveLength(255)
    expect(tok.encode(text, 10)).toHaveLength(10)
  })

  it('lower-cases and strips accents (NFD, drop Mn), precomposed or combining', () => {
    expect(normalize('Café Résumé NAÏVE')).toBe('cafe resume naive')
    expect(normalize('Cafe\u0301')).toBe('cafe')
    expect(pieces('Café résumé naïve')).toEqual(pieces('cafe resume naive'))
    expect(normalize('straße')).toBe('straße') // ß has no decomposition
  })

  it('lower-cases per character like Rust (no final-sigma rule)', () => {
    expect(normalize('ΟΔΟΣ')).toBe('οδοσ')
  })

  it('puts spaces around CJK ideographs but not kana or hangul', () => {
    expect(normalize('東京タワー')).toBe(' 東  京 タワー')
    expect(preTokenize(normalize('中文测试'))).toEqual(['中', '文', '测', '试'])
    // Hangul syllables are not split, but NFD (accent stripping) decomposes them into jamo, as HF does.
    expect(preTokenize(normalize('한국어'))).toEqual(['한국어'.normalize('NFD')])
  })

  it('splits on ASCII and Unicode punctuation, one token per mark', () => {
    expect(preTokenize(normalize('!!!???...'))).toEqual(['!', '!', '!', '?', '?', '?', '.', '.', '.'])
    expect(preTokenize(normalize('a$b^c`d~e'))).toEqual(['a', '$', 'b', '^', 'c', '`', 'd', '~', 'e'])
    expect(preTokenize(normalize('\u201cquoted\u201d\u2014dash\u00bfq'))).toEqual(['\u201c', 'quoted', '\u201d', '\u2014', 'dash', '\u00bf', 'q'])
    expect(pieces('((masterpiece))')).toEqual(['(', '(', 'masterpiece', ')', ')'])
  })

  it('drops control characters, U+0000 and U+FFFD, and maps all White_Space to a space', () => {
    expect(normalize('a\u0000b\u0007c\ufffdd\u200be')).toBe('abcde')
    expect(normalize('a\tb\nc\r\nd\u2028e\u0085f')).toBe('a b c  d ef')
  })

  it('uses WordPiece greedy longest-match-first with ##', () => {
    expect(pieces('unaffable')).toEqual(['una', '##ffa', '##ble'])
    expect(pieces('Ultrasaurus')).toEqual(['ultra', '##saurus'])
    expect(pieces('cheneosaurus')).toEqual(['chen', '##eo', '##saurus'])
  })

  it('gives [UNK] to a word over 100 characters and to a word with no WordPiece split', () => {
    expect(tok.tokenizeToIds('y'.repeat(100)).length).toBeGreaterThan(1)
    expect(tok.tokenizeToIds('unaffable '.repeat(3) + 'z'.repeat(101))).toEqual([14477, 20961, 3468, 14477, 20961, 3468, 14477, 20961, 3468, 100])
    expect(tok.tokenizeToIds('y'.repeat(101))).toEqual([100])
    // Counted in characters after normalisation: 101 x 'é' -> 101 x 'e' -> [UNK].
    expect(tok.tokenizeToIds('é'.repeat(101))).toEqual([100])
    expect(tok.tokenizeToIds('😀'.repeat(60))).toEqual([100]) // 60 chars (120 UTF-16 units): no split, so [UNK]
    expect(tok.tokenizeToIds('cat🐱dog')).toEqual([100])
    expect(tok.tokenizeToIds('a 🐱 b')).toEqual([1037, 100, 1038])
  })

  it('matches added special tokens literally before normalisation', () => {
    expect(tok.tokenizeToIds('[MASK] x')).toEqual([103, 1060])
    expect(tok.tokenizeToIds('[mask]')).toEqual([1031, 7308, 1033])
  })

  it('follows Rust tokenizers where its Unicode tables are older than Node', () => {
    // U+061D (Po since Unicode 14) is an ordinary character for the Rust tokenizer: no split.
    expect(preTokenize(normalize('a\u061db'))).toEqual(['a\u061db'])
    // U+166D was Po in old tables (split on), So today.
    expect(preTokenize(normalize('a\u166db'))).toEqual(['a', '\u166d', 'b'])
    // Rust's CJK range starts at 0x2B920, not 0x2B820.
    expect(normalize('\u{2b823}')).toBe('\u{2b823}')
    expect(normalize('\u{2b920}')).toBe(' \u{2b920} ')
  })
})

const cases = loadReferenceFile()?.tokenizer_cases

describe.skipIf(!cases)('BERT tokenizer against the HF fast tokenizer on random Unicode', () => {
  it('gives exactly the same ids on every recorded string', () => {
    const list = cases ?? []
    expect(list.length).toBeGreaterThanOrEqual(1000)
    const wrong = list.filter((c) => JSON.stringify(tok.encode(c.text)) !== JSON.stringify(c.input_ids))
    expect(wrong.slice(0, 3)).toEqual([])
  })
})
