import type { ExportClipSummary } from '../../../sidecar/clip/index.ts';

/** What `train_world_clip.py` writes to `training.json`. */
export interface TrainingReport {
  photos: number;
  trained_on: number;
  held_out: number;
  parameters: number;
  steps: number;
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  keyword_loss: number;
  /** Share of captions put into another of the world's languages (absent in models trained before). */
  translated_captions?: number;
  patch_init: string;
  keyword_vocabulary: number;
  seconds: number;
  threads: number;
  sizes: Record<string, number>;
  final: { epoch: number; 'text_p@10': number; 'image_p@10': number; queries: number } | null;
  curve: Array<{ epoch: number; step: number; loss: number; temperature: number; seconds: number }>;
}

export interface CardInput {
  command: string;
  world: string;
  training: TrainingReport;
  exported: ExportClipSummary;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** The model card of a world CLIP: how it was made, what it is for, what it is not. */
export function modelCard({ command, world, training: t, exported }: CardInput): string {
  const s = t.sizes;
  const curve = t.curve.filter((_, i) => i % 5 === 4 || i === 0 || i === t.curve.length - 1);
  const files = Object.entries(exported.files).map(([name, bytes]) => `| ${name} | ${mb(bytes)} | ${(exported.cosine_to_torch[name] ?? []).map((c) => c.toFixed(4)).join(', ')} |`);
  return `# pixrank world CLIP

A small CLIP (transformers \`CLIPModel\`: CLIP's architecture, its real BPE tokenizer and 49,408-token
vocabulary, 224×224 input, patch 32) trained on a **generated world** (\`pixrank generate\`), so that
\`clip\` and \`hybrid\` search, \`/similar\` and the demo mean something on a machine without real CLIP
weights. It runs through the same loader, tokenizer, preprocessing and encoders as a real CLIP.

## What it is for
- The offline default of \`ingest\`, \`serve\`, \`search\` and \`npm start\` when no \`--model\` or
  \`CLIP_MODEL_DIR\` is given.
- Tests of clip/hybrid retrieval and \`/similar\` on generated worlds, and benchmarks of the pipeline.

## What it is not
- A replacement for a real CLIP on real photos: it knows the generator's 20 topic motifs, 12 palette
  colors and the words the world's tables use for them, nothing else. For real photos fetch a real
  model: \`npx pixrank model fetch Xenova/clip-vit-base-patch32\` (a real CLIP export).
- Its 256-d vectors are not comparable with any other CLIP's.

## How it was made
\`\`\`
${command}
\`\`\`
- World: ${world}; ${t.trained_on} photos trained on, ${t.held_out} held out.
- Captions from the world's tables only (keywords drawn by confidence, the dominant color,
  descriptions and AI descriptions), never from \`truth/\`${t.translated_captions ? `; ${Math.round(t.translated_captions * 100)}% of them with their words put into one of the world's other languages (de, fr, es, ja, pt, it) from its bilingual vocabulary, so each language's words land on the same photos` : ''}.
- Sizes: text ${s.text_width} wide × ${s.text_layers} layers, vision ${s.vision_width} wide × ${s.vision_layers} layers,
  projection ${s.projection}; ${(t.parameters / 1e6).toFixed(2)}M parameters.
- Symmetric InfoNCE with a learned temperature (a caption's positives: every photo in the batch carrying the keywords and color it states),
  plus an auxiliary head (not saved) predicting each photo's confident keywords from its image
  embedding, weight ${t.keyword_loss}, over ${t.keyword_vocabulary} keywords of the tables; patch embedding started as ${t.patch_init};
  AdamW, lr ${t.lr}, cosine schedule, batch ${t.batch}, ${t.epochs} epochs = ${t.steps} steps, seed ${t.seed},
  ${t.threads} CPU threads, ${(t.seconds / 60).toFixed(1)} minutes.

| epoch | loss | logit scale |
|---:|---:|---:|
${curve.map((c) => `| ${c.epoch} | ${c.loss.toFixed(3)} | ${c.temperature.toFixed(1)} |`).join('\n')}

Held out (photos of the training world not trained on, judged by their confident non-color keywords): text→image precision@10
**${t.final?.['text_p@10'].toFixed(3) ?? 'n/a'}** over the ${t.final?.queries ?? 0} commonest top keywords, image→image precision@10
(neighbours sharing a confident keyword) **${t.final?.['image_p@10'].toFixed(3) ?? 'n/a'}**. Unseen worlds (other seeds) are
measured by \`sidecar/clip/world-model.es.test.ts\`.

## Files
| file | size | cosine to torch (check rows) |
|---|---:|---|
${files.join('\n')}

Exported with opset ${exported.opset}; ${Object.entries(exported.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.
`;
}
