import { ClipError } from '../errors.ts';
/**
 * Which files of a hub repo make a CLIP model folder (see ../model-folder.ts): the two ONNX
 * encoders (under `onnx/` as public ports publish them, or at the root), their external weights
 * when the export keeps them beside the graph, a tokenizer, and the small configuration files.
 */
export interface SelectOptions {
  quantized: boolean;
}

const optionalConfigs = ['preprocessor_config.json', 'config.json', 'tokenizer_config.json', 'special_tokens_map.json'];

function pickModel(files: Set<string>, base: string, quantized: boolean, repo: string): string[] {
  const name = `${base}${quantized ? '_quantized' : ''}.onnx`;
  const found = [`onnx/${name}`, name].find((path) => files.has(path));
  if (!found) {
    const onnx = [...files].filter((f) => f.endsWith('.onnx'));
    const hint = onnx.length > 0 ? `its ONNX files: ${onnx.join(', ')}` : 'it has no ONNX files; export one with `pixrank model export`';
    throw new ClipError('CLIP_MODEL_NOT_FOUND', `model fetch: ${repo} has no onnx/${name} (nor ${name} at its root); ${hint}`);
  }
  // Graphs over 2 GB keep their weights in `<model>.onnx_data` (or `.onnx.data`) beside them.
  const external = [`${found}_data`, `${found}.data`].filter((path) => files.has(path));
  return [found, ...external];
}

export function selectModelFiles(listing: readonly string[], repo: string, options: SelectOptions): string[] {
  const files = new Set(listing);
  const tokenizer = files.has('tokenizer.json') ? ['tokenizer.json'] : ['vocab.json', 'merges.txt'];
  const missing = tokenizer.filter((f) => !files.has(f));
  if (missing.length > 0) throw new ClipError('CLIP_MODEL_NOT_FOUND', `model fetch: ${repo} has no tokenizer.json, nor vocab.json and merges.txt`);
  return [
    ...pickModel(files, 'text_model', options.quantized, repo),
    ...pickModel(files, 'vision_model', options.quantized, repo),
    ...tokenizer,
    ...optionalConfigs.filter((f) => files.has(f)),
  ];
}
