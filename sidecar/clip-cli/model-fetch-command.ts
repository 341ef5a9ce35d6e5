import type { Command } from 'commander';
import { join } from 'node:path';
import { positiveInt } from '../../bin/cli-options.ts';
import { cacheDir } from '../../es-mappings/paths.ts';
import { defaultProgress, fetchModel, loadClipEncoder } from '../clip/index.ts';
import { createError } from '../../es-mappings/errors.ts';

interface FetchCommandOptions {
  quantized?: boolean;
  dir?: string;
  revision: string;
  retries?: number;
}

/**
 * `pixrank model fetch <repo>`: downloads a CLIP export (Hugging Face ONNX layout) from the hub,
 * honouring HF_ENDPOINT and HF_TOKEN, then opens it to prove it works. Progress goes to stderr;
 * the last line on stdout is `{dir, dims, files}` as JSON.
 */
export function registerModelFetchCommand(model: Command): void {
  model
    .command('fetch')
    .description('Download a CLIP model in the Hugging Face ONNX layout from the hub (HF_ENDPOINT, HF_TOKEN), resumable and verified')
    .argument('<repo>', 'a Hugging Face repo id, e.g. Xenova/clip-vit-base-patch32')
    .option('--quantized', 'fetch the *_quantized.onnx (int8) encoders')
    .option('--dir <dir>', 'where to put the model (default: <cache>/models/<owner>--<name>)')
    .option('--revision <rev>', 'branch, tag or commit', 'main')
    .option('--retries <n>', 'retries per request', positiveInt)
    .action(async (repo: string, options: FetchCommandOptions) => {
      const quantized = options.quantized ?? false;
      const result = await fetchModel(repo, {
        quantized,
        revision: options.revision,
        progress: defaultProgress(),
        dir: options.dir ?? join(cacheDir(), 'models', repo.replaceAll('/', '--')),
        ...(options.retries ? { retries: options.retries } : {}),
      });
      const encoder = await loadClipEncoder(result.dir, { quantized });
      try {
        const [row] = await encoder.embedText(['a photo']);
        if (row?.length !== encoder.dims) throw createError('MODEL_INVALID', `model fetch: ${result.dir} loaded but embedding a text gave ${row?.length} values, not ${encoder.dims}`);
      } finally {
        await encoder.close();
      }
      const files = result.files.map((f) => ({ path: f.path, size: f.size, downloaded: f.downloaded }));
      process.stdout.write(`${JSON.stringify({ dir: result.dir, commit: result.commit, dims: encoder.dims, files })}\n`);
    });
}
