import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { positiveInt } from '../../bin/cli-options.ts';
import { loadClipEncoder, loadClipTokenizer, type ClipEncoderOptions } from '../clip/index.ts';
import { createError } from '../../es-mappings/errors.ts';
import { requireClipModel } from './model-choice.ts';

const logToStderr = (line: string): void => void process.stderr.write(`${line}\n`);

/** One JSON string per line, so that any text (newlines included) can be passed. */
async function readJsonlTexts(file: string, command: string): Promise<string[]> {
  let body: string;
  try {
    body = await readFile(file, 'utf8');
  } catch (error) {
    throw createError('INVALID_ARGUMENT', `${command}: cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  const texts: string[] = [];
  body.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    if (typeof value !== 'string') throw createError('INVALID_ARGUMENT', `${command}: ${file} line ${i + 1}: expected a JSON string`);
    texts.push(value);
  });
  return texts;
}

async function inputTexts(args: string[], jsonl: string | undefined, command: string): Promise<string[]> {
  const texts = [...args, ...(jsonl ? await readJsonlTexts(jsonl, command) : [])];
  if (texts.length === 0) throw createError('INVALID_ARGUMENT', `${command}: give texts as arguments or --jsonl FILE`);
  return texts;
}

function printRows(rows: ArrayLike<number>[]): void {
  process.stdout.write(rows.map((row) => JSON.stringify(Array.from(row))).join('\n') + '\n');
}

interface ModelOptions {
  model?: string;
  quantized?: boolean;
  threads?: number;
  batchSize?: number;
}

function encoderOptions(options: ModelOptions): ClipEncoderOptions {
  return {
    quantized: options.quantized ?? false,
    ...(options.threads ? { threads: options.threads } : {}),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  };
}

function withModelOptions(command: Command): Command {
  return command
    .option('--model <dir>', 'a CLIP model folder (Hugging Face ONNX layout; default: CLIP_MODEL_DIR, else the shipped world model)')
    .option('--quantized', 'use the *_quantized.onnx (int8) files')
    .option('--threads <n>', 'onnxruntime intra-op threads (default: the core count)', positiveInt)
    .option('--batch-size <n>', 'rows per session run', positiveInt);
}

/**
 * `pixrank tokenize` and `pixrank embed text|image`: one JSON array per input, in input order,
 * one per line.
 */
export function registerClipCommands(program: Command): void {
  program
    .command('tokenize')
    .description("CLIP token ids (OpenAI's tokenizer: start and end tokens, at most 77), one JSON array per input")
    .option('--model <dir>', 'a CLIP model folder (tokenizer.json or vocab.json + merges.txt; default: CLIP_MODEL_DIR, else the shipped world model)')
    .option('--jsonl <file>', 'more texts, one JSON string per line')
    .argument('[text...]', 'texts to tokenize')
    .action(async (args: string[], options: { model?: string; jsonl?: string }) => {
      const texts = await inputTexts(args, options.jsonl, 'tokenize');
      const tokenizer = loadClipTokenizer(requireClipModel(options.model, logToStderr, 'tokenize'));
      printRows(texts.map((text) => tokenizer.encode(text)));
    });

  const embed = program.command('embed').description('CLIP embeddings (L2-normalized), one JSON array per input');

  withModelOptions(embed.command('text').description('embed texts'))
    .option('--jsonl <file>', 'more texts, one JSON string per line')
    .argument('[text...]', 'texts to embed')
    .action(async (args: string[], options: ModelOptions & { jsonl?: string }) => {
      const texts = await inputTexts(args, options.jsonl, 'embed text');
      const clip = await loadClipEncoder(requireClipModel(options.model, logToStderr, 'embed text'), encoderOptions(options));
      try {
        printRows(await clip.embedText(texts));
      } finally {
        await clip.close();
      }
    });

  withModelOptions(embed.command('image').description('embed image files; an unreadable image prints null and fails the command at the end'))
    .argument('<file...>', 'image files (JPEG, PNG, WebP, GIF, …)')
    .action(async (files: string[], options: ModelOptions) => {
      const clip = await loadClipEncoder(requireClipModel(options.model, logToStderr, 'embed image'), encoderOptions(options));
      let failed = 0;
      try {
        const rows = await clip.embedImages(files);
        const lines = rows.map((row) => {
          if (!(row instanceof Error)) return JSON.stringify(Array.from(row));
          failed++;
          process.stderr.write(`embed image: ${row.message}\n`);
          return 'null';
        });
        process.stdout.write(lines.join('\n') + '\n');
      } finally {
        await clip.close();
      }
      if (failed > 0) throw createError('DATA_MALFORMED', `embed image: ${failed} of ${files.length} images could not be embedded`);
    });
}
