import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { cleanClipText } from './text-clean.ts';
import { ClipError } from './errors.ts';

/** CLIP's context: 77 positions, start and end tokens included. */
export const clipContextLength = 77;

export interface ClipTokenizer {
  readonly startId: number;
  readonly endId: number;
  /** The id that pads batches (CLIP pads with the end token). */
  readonly padId: number;
  readonly contextLength: number;
  /** Start token, BPE ids, end token; at most `contextLength`, the end token kept when cut. */
  encode(text: string): number[];
}

type TokenizerJson = Record<string, unknown> & { model?: Record<string, unknown> & { vocab?: Record<string, number> } };

/**
 * CLIP's tokenizer.json pipeline, used when a folder has only vocab.json + merges.txt (the files
 * OpenAI's and transformers' slow tokenizer read); the same BPE model either way.
 */
function tokenizerJsonFromVocab(vocab: Record<string, number>, merges: string[][]): TokenizerJson {
  const special = (content: string) => ({
    id: vocab[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special('<|startoftext|>'), special('<|endoftext|>')],
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          pattern: { Regex: "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" },
          behavior: 'Removed',
          invert: true,
        },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      ],
    },
    post_processor: {
      type: 'RobertaProcessing',
      sep: ['<|endoftext|>', vocab['<|endoftext|>']],
      cls: ['<|startoftext|>', vocab['<|startoftext|>']],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<|endoftext|>',
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
}

/** OpenAI's `simple_tokenizer.py` keeps merges 1 … 49152-256-2 of merges.txt (line 0 is `#version`). */
const openAiMergeCount = 49152 - 256 - 2;

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ClipError('CLIP_MODEL_INVALID', `clip tokenizer: cannot read ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** tokenizer.json if the folder has one, else vocab.json + merges.txt. */
function readTokenizerJson(dir: string): TokenizerJson {
  const jsonPath = join(dir, 'tokenizer.json');
  if (existsSync(jsonPath)) return readJson(jsonPath, 'tokenizer file') as TokenizerJson;
  const vocabPath = join(dir, 'vocab.json');
  const mergesPath = join(dir, 'merges.txt');
  if (!existsSync(vocabPath) || !existsSync(mergesPath)) {
    throw new ClipError('CLIP_MODEL_NOT_FOUND', `clip tokenizer: ${dir} has neither tokenizer.json nor vocab.json + merges.txt`);
  }
  const vocab = readJson(vocabPath, 'vocabulary') as Record<string, number>;
  const lines = readFileSync(mergesPath, 'utf8').split('\n');
  const body = lines[0]?.startsWith('#version') ? lines.slice(1) : lines;
  const merges = body
    .slice(0, openAiMergeCount)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(' '));
  return tokenizerJsonFromVocab(vocab, merges);
}

function specialId(vocab: Record<string, number> | undefined, token: string, dir: string): number {
  const id = vocab?.[token];
  if (typeof id !== 'number') throw new ClipError('CLIP_MODEL_INVALID', `clip tokenizer: the vocabulary in ${dir} has no ${token}`);
  return id;
}

/**
 * CLIP's tokenizer as OpenAI's `clip.tokenize` runs it: the clean-up of text-clean.ts, then the
 * BPE of @huggingface/tokenizers (which matched Hugging Face's ids on every reference case), start
 * and end tokens, cut to 77 keeping the end token.
 *
 * @example
 * const tokenizer = loadClipTokenizer('models/clip');
 * tokenizer.encode('a photo of a cat'); // [49406, 320, 1125, 539, 320, 2368, 49407]
 */
export function loadClipTokenizer(dir: string): ClipTokenizer {
  const json = readTokenizerJson(dir);
  const vocab = json.model?.vocab;
  const startId = specialId(vocab, '<|startoftext|>', dir);
  const endId = specialId(vocab, '<|endoftext|>', dir);
  let bpe: Tokenizer;
  try {
    bpe = new Tokenizer(json, {});
  } catch (error) {
    throw new ClipError('CLIP_MODEL_INVALID', `clip tokenizer: cannot build the tokenizer of ${dir}: ${(error as Error).message}`, { cause: error });
  }
  return {
    startId,
    endId,
    padId: endId,
    contextLength: clipContextLength,
    encode(text: string): number[] {
      const ids = bpe.encode(cleanClipText(text), { add_special_tokens: false }).ids;
      const body = ids.length > clipContextLength - 2 ? ids.slice(0, clipContextLength - 2) : ids;
      return [startId, ...body, endId];
    },
  };
}
