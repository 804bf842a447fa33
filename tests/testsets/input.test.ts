// The organizer's input, without a database: the prompts CSV, image names, matching, the split.
import { describe, expect, it } from 'vitest'
import { assignPublic, imageFilesOf, matchImagesToPrompts, parsePromptsCsv, TestSetInputError } from '../../lib/testsets/input.ts'

describe('parsePromptsCsv', () => {
  it('reads quoted multi-line prompts and a BOM, with the line each record starts on', () => {
    const text = '\uFEFFimgId,prompt\r\na1,"a cat, sitting\non ""two"" lines"\r\nb2,plain prompt\n\n'
    expect(parsePromptsCsv(text)).toEqual([
      { id: 'a1', prompt: 'a cat, sitting\non "two" lines', line: 2 },
      { id: 'b2', prompt: 'plain prompt', line: 4 },
    ])
  })

  it('names the line of a bad row', () => {
    expect(() => parsePromptsCsv('imgId,prompt\na,one\nb,two,three\n')).toThrow(/prompts\.csv: 1 bad line: line 3: expected 2 fields, found 3/)
  })

  it('names the line of a bad id, a duplicate and an empty prompt', () => {
    const text = 'imgId,prompt\nok,fine\nbad id,x\nok,again\nz,""\n'
    expect(() => parsePromptsCsv(text)).toThrow(
      "3 bad lines: line 3: imgId 'bad id' may only contain letters, digits, '_' and '-', line 4: duplicate imgId 'ok' (first on line 2), line 5: empty prompt for 'z'",
    )
  })

  it('reports an unclosed quote at the line where it opened', () => {
    expect(() => parsePromptsCsv('imgId,prompt\na,"never\nclosed\n')).toThrow('prompts.csv: line 2: quoted field is never closed')
  })

  it('reads a quote inside an unquoted field as data (as every CSV reader of the platform and pandas do), reports a bad quote and a wrong header', () => {
    expect(parsePromptsCsv('imgId,prompt\na,say "hi"\n')).toEqual([{ id: 'a', prompt: 'say "hi"', line: 2 }])
    expect(() => parsePromptsCsv('imgId,prompt\na,"closed" too early\n')).toThrow(/prompts\.csv: line 2: /)
    expect(() => parsePromptsCsv('id,text\na,b\n')).toThrow("line 1: the header must name the columns imgId and prompt, found 'id,text'")
  })
})

describe('images and prompts', () => {
  it('takes the id from the file name and refuses bad ids, duplicates and other files', () => {
    expect(imageFilesOf(['a.PNG', 'b-1.jpeg', 'c_2.webp'])).toEqual([
      { id: 'a', fileName: 'a.PNG' },
      { id: 'b-1', fileName: 'b-1.jpeg' },
      { id: 'c_2', fileName: 'c_2.webp' },
    ])
    expect(() => imageFilesOf(['a b.png'])).toThrow("1 image with an invalid id (file names may only contain letters, digits, '_' and '-' before the extension): 'a b.png'")
    expect(() => imageFilesOf(['a.png', 'a.jpg'])).toThrow("1 image id used twice: 'a.png' and 'a.jpg'")
    expect(() => imageFilesOf(['notes.txt'])).toThrow("1 file of an unsupported type (images must be .png, .jpg, .jpeg or .webp): 'notes.txt'")
  })

  it('lists images without a prompt and prompts without an image', () => {
    const prompts = parsePromptsCsv('imgId,prompt\na,x\nb,y\nq,z\n')
    const images = imageFilesOf(['a.png', 'b.png', 'c.png'])
    expect(() => matchImagesToPrompts(images, prompts)).toThrow(
      "every image needs exactly one prompt and every prompt one image; 1 image without a prompt: 'c.png'; 1 prompt without an image: 'q' (line 4)",
    )
    expect(() => matchImagesToPrompts(images, prompts)).toThrow(TestSetInputError)
  })

  it('orders matched images by id', () => {
    const prompts = parsePromptsCsv('imgId,prompt\nb,y\na,x\n')
    expect(matchImagesToPrompts(imageFilesOf(['b.png', 'a.png']), prompts).map((m) => m.id)).toEqual(['a', 'b'])
  })
})

describe('assignPublic', () => {
  const ids = Array.from({ length: 50 }, (_, i) => `img${String(i).padStart(2, '0')}`)

  it('is a function of the seed, with exactly round(n·fraction) public images', () => {
    const a = assignPublic(ids, 0.3, 42)
    expect(a.size).toBe(15)
    expect([...assignPublic(ids, 0.3, 42)]).toEqual([...a])
    expect([...assignPublic(ids, 0.3, 43)].sort()).not.toEqual([...a].sort())
    expect(assignPublic(ids.slice(0, 7), 0.5, 1).size).toBe(4)
    expect(assignPublic(ids, 0, 1).size).toBe(0)
    expect(assignPublic(ids, 1, 1).size).toBe(50)
  })

  it('picks different images for different seeds across many seeds (not a fixed prefix)', () => {
    const counts = new Map<string, number>()
    for (let seed = 0; seed < 200; seed++) for (const id of assignPublic(ids, 0.3, seed)) counts.set(id, (counts.get(id) ?? 0) + 1)
    expect(counts.size).toBe(50)
    for (const n of counts.values()) expect(n).toBeGreaterThan(20)
  })
})
