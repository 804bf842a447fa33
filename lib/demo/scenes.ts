// Generated images for the demo competition: simple scenes of coloured shapes, rendered with sharp
// from SVG, each with the prompt that describes it and a paraphrase of that prompt (what a decent
// image-to-prompt model might guess). Deterministic: the same seed gives the same pixels and text.
import sharp from 'sharp'
import { seededRandom } from '../../scoring/random.ts'

interface Colour {
  name: string
  alt: string
  hex: string
}

const COLOURS: Colour[] = [
  { name: 'red', alt: 'crimson', hex: '#d62828' },
  { name: 'blue', alt: 'navy', hex: '#1d4ed8' },
  { name: 'green', alt: 'emerald', hex: '#16a34a' },
  { name: 'yellow', alt: 'golden', hex: '#facc15' },
  { name: 'orange', alt: 'tangerine', hex: '#f97316' },
  { name: 'purple', alt: 'violet', hex: '#7c3aed' },
  { name: 'pink', alt: 'rose', hex: '#ec4899' },
  { name: 'black', alt: 'dark', hex: '#111827' },
  { name: 'white', alt: 'pale', hex: '#f9fafb' },
  { name: 'teal', alt: 'turquoise', hex: '#0d9488' },
]

const SHAPES = [
  { name: 'circle', alt: 'disc' },
  { name: 'square', alt: 'box' },
  { name: 'triangle', alt: 'wedge' },
  { name: 'star', alt: 'five-pointed star' },
  { name: 'ring', alt: 'hollow circle' },
] as const
type ShapeName = (typeof SHAPES)[number]['name']

const PLACES = [
  { name: 'on the left', alt: 'at the left side', x: 0.28, y: 0.5 },
  { name: 'on the right', alt: 'toward the right', x: 0.72, y: 0.5 },
  { name: 'at the top', alt: 'near the upper edge', x: 0.5, y: 0.27 },
  { name: 'at the bottom', alt: 'down low', x: 0.5, y: 0.73 },
  { name: 'in the center', alt: 'in the middle', x: 0.5, y: 0.5 },
] as const

const BACKGROUNDS = [
  { name: 'plain', alt: 'flat' },
  { name: 'striped', alt: 'stripy' },
  { name: 'dotted', alt: 'polka-dot' },
] as const

const STYLES = ['', 'minimalist flat illustration of ', 'a simple drawing of ', 'clip art of '] as const
const STYLE_ALTS = ['', 'minimal vector art of ', 'a basic sketch of ', 'cartoon graphic of '] as const

export interface DemoScene {
  id: string
  prompt: string
  /** The same scene described in other words. */
  paraphrase: string
  /** Only the shapes, without colours, sizes or places (a weak guess). */
  shapesOnly: string
  png: Buffer
}

const SIZE = 256

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]
}

function shapeSvg(shape: ShapeName, cx: number, cy: number, r: number, fill: string): string {
  switch (shape) {
    case 'circle':
      return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${fill}"/>`
    case 'ring':
      return `<circle cx="${cx}" cy="${cy}" r="${r * 0.8}" fill="none" stroke="${fill}" stroke-width="${r * 0.35}"/>`
    case 'square':
      return `<rect x="${cx - r}" y="${cy - r}" width="${2 * r}" height="${2 * r}" fill="${fill}"/>`
    case 'triangle':
      return `<polygon points="${cx},${cy - r} ${cx + r},${cy + r * 0.85} ${cx - r},${cy + r * 0.85}" fill="${fill}"/>`
    case 'star': {
      const pts: string[] = []
      for (let i = 0; i < 10; i++) {
        const a = -Math.PI / 2 + (i * Math.PI) / 5
        const rr = i % 2 === 0 ? r : r * 0.45
        pts.push(`${(cx + rr * Math.cos(a)).toFixed(1)},${(cy + rr * Math.sin(a)).toFixed(1)}`)
      }
      return `<polygon points="${pts.join(' ')}" fill="${fill}"/>`
    }
  }
}

function backgroundSvg(kind: (typeof BACKGROUNDS)[number]['name'], colour: string): string {
  const base = `<rect width="${SIZE}" height="${SIZE}" fill="${colour}"/>`
  if (kind === 'striped') {
    let s = base
    for (let x = 0; x < SIZE; x += 32) s += `<rect x="${x}" width="12" height="${SIZE}" fill="#ffffff" fill-opacity="0.25"/>`
    return s
  }
  if (kind === 'dotted') {
    let s = base
    for (let y = 16; y < SIZE; y += 32) for (let x = 16; x < SIZE; x += 32) s += `<circle cx="${x}" cy="${y}" r="4" fill="#000000" fill-opacity="0.18"/>`
    return s
  }
  return base
}

/** `count` scenes with ids `${prefix}_001`…, from `seed`. */
export async function renderDemoScenes(count: number, seed: number, prefix: string): Promise<DemoScene[]> {
  const random = seededRandom(seed)
  const out: DemoScene[] = []
  for (let n = 1; n <= count; n++) {
    const bg = pick(random, COLOURS)
    const bgKind = pick(random, BACKGROUNDS)
    const shapeCount = random() < 0.5 ? 1 : 2
    const places = (shapeCount === 1 ? [PLACES[4]] : [...PLACES.slice(0, 4)].sort(() => random() - 0.5).slice(0, 2))
    let svg = backgroundSvg(bgKind.name, bg.hex)
    const parts: string[] = []
    const alts: string[] = []
    const names: string[] = []
    for (const place of places) {
      let colour = pick(random, COLOURS)
      while (colour.name === bg.name) colour = pick(random, COLOURS)
      const shape = pick(random, SHAPES)
      const large = random() < 0.5
      const r = (large ? 0.2 : 0.1) * SIZE
      const cx = shapeCount === 1 ? SIZE / 2 : place.x * SIZE
      const cy = shapeCount === 1 ? SIZE / 2 : place.y * SIZE
      svg += shapeSvg(shape.name, cx, cy, r, colour.hex)
      const where = shapeCount === 1 ? '' : ` ${place.name}`
      const whereAlt = shapeCount === 1 ? '' : ` ${place.alt}`
      parts.push(`a ${large ? 'large' : 'small'} ${colour.name} ${shape.name}${where}`)
      alts.push(`a ${large ? 'big' : 'tiny'} ${colour.alt} ${shape.alt}${whereAlt}`)
      names.push(`a ${shape.name}`)
    }
    const styleIndex = Math.floor(random() * STYLES.length)
    const prompt = `${STYLES[styleIndex]}${parts.join(' and ')} on a ${bgKind.name} ${bg.name} background`
    const paraphrase = `${STYLE_ALTS[styleIndex]}${alts.join(' plus ')}, ${bgKind.alt} ${bg.alt} backdrop`
    const png = await sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}">${svg}</svg>`))
      .png({ compressionLevel: 9 })
      .toBuffer()
    out.push({ id: `${prefix}_${String(n).padStart(3, '0')}`, prompt, paraphrase, shapesOnly: names.join(' and '), png })
  }
  return out
}
