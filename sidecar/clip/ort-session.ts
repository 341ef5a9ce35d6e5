import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { ClipError } from './errors.ts';

/**
 * The one module that imports onnxruntime-node. Everything else sees plain typed arrays, so the
 * runtime can change without touching the encoders.
 */

export interface OnnxSessionOptions {
  /** Intra-op threads; default: the machine's core count (`os.availableParallelism()`). */
  threads?: number;
  /**
   * When intra-op threads spin-wait for work instead of sleeping: `run` (default) while a run
   * lasts, stopped when it ends (`session.force_spinning_stop`); `always` is onnxruntime's own
   * default (idle pools keep spinning after a run); `never` sleeps between operators. Default:
   * `$PIXRANK_ORT_SPIN`, else `run`. Measured on this 2-core machine, int8 text at 8 tokens, p50:
   * quiet, one session: always 4.1–4.4 ms, run 4.2–4.3, never 5.2–5.6; two sessions used in turn
   * (text and vision in one process): always 9–12 ms, run 4.6, never 5.6–5.8 — the idle pool's
   * spinning takes the cores the running one needs; under heavy load from other processes
   * `never` wins (7.5 ms vs 14).
   */
  spinWait?: SpinWait;
}

export type SpinWait = 'run' | 'always' | 'never';

function spinWaitDefault(): SpinWait {
  const env = process.env.PIXRANK_ORT_SPIN;
  if (env === undefined || env === '') return 'run';
  if (env === 'run' || env === 'always' || env === 'never') return env;
  throw new ClipError('CLIP_INVALID_CONFIG', `onnx session: PIXRANK_ORT_SPIN must be run, always or never, got ${JSON.stringify(env)}`);
}

export interface OnnxValueInfo {
  name: string;
  /** Element type as onnxruntime names it: `int64`, `float32`, … */
  type: string;
  /** Numbers for fixed axes, names (`batch`, `sequence`) for dynamic ones. */
  shape: Array<number | string>;
}

export type OnnxFeed =
  | { type: 'int64'; data: BigInt64Array; dims: readonly number[] }
  | { type: 'float32'; data: Float32Array; dims: readonly number[] };

export interface OnnxOutput {
  data: Float32Array;
  dims: readonly number[];
}

export interface OnnxSession {
  readonly path: string;
  readonly threads: number;
  readonly spinWait: SpinWait;
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /** Runs the model and fetches only the float32 `outputNames` (others are never copied to JS). */
  run(feeds: Record<string, OnnxFeed>, outputNames: readonly string[]): Promise<Record<string, OnnxOutput>>;
  close(): Promise<void>;
}

/** Intra-op threads of every session: PIXRANK_ORT_THREADS when set, else the core count. */
export function defaultThreads(): number {
  return threadsFromEnv() ?? availableParallelism();
}

/** PIXRANK_ORT_THREADS, validated; undefined when not set. */
export function threadsFromEnv(): number | undefined {
  const env = process.env.PIXRANK_ORT_THREADS;
  if (env === undefined || env === '') return undefined;
  const threads = Number(env);
  if (!Number.isInteger(threads) || threads < 1) throw new ClipError('CLIP_INVALID_CONFIG', `onnx session: PIXRANK_ORT_THREADS must be a positive integer, got ${JSON.stringify(env)}`);
  return threads;
}

function valueInfo(meta: readonly ort.InferenceSession.ValueMetadata[]): OnnxValueInfo[] {
  return meta.map((m) =>
    m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] },
  );
}

/**
 * Opens an ONNX file with explicit session options: every graph optimization, a fixed intra-op
 * thread count, one inter-op thread and sequential execution (CLIP's graphs are a chain, so
 * parallel execution only adds scheduling), threads that spin only while a run lasts, CPU only.
 *
 * @example
 * const session = await openOnnxSession('model/onnx/text_model.onnx', { threads: 2 });
 * const out = await session.run({ input_ids: { type: 'int64', data, dims: [1, 8] } }, ['text_embeds']);
 */
export async function openOnnxSession(path: string, options: OnnxSessionOptions = {}): Promise<OnnxSession> {
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) throw new ClipError('CLIP_INVALID_ARGUMENT', `onnx session: threads must be a positive integer, got ${threads}`);
  const spinWait = options.spinWait ?? spinWaitDefault();
  const session = await ort.InferenceSession.create(path, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    extra: {
      session: {
        intra_op: { allow_spinning: spinWait === 'never' ? '0' : '1' },
        force_spinning_stop: spinWait === 'run' ? '1' : '0',
      },
    },
  });
  return {
    path,
    threads,
    spinWait,
    inputs: valueInfo(session.inputMetadata),
    outputs: valueInfo(session.outputMetadata),
    async run(feeds, outputNames) {
      const tensors: Record<string, ort.Tensor> = {};
      for (const [name, feed] of Object.entries(feeds)) {
        tensors[name] = feed.type === 'int64' ? new ort.Tensor('int64', feed.data, feed.dims) : new ort.Tensor('float32', feed.data, feed.dims);
      }
      const results = await session.run(tensors, outputNames);
      const out: Record<string, OnnxOutput> = {};
      for (const name of outputNames) {
        const tensor = results[name];
        if (!tensor || tensor.type !== 'float32') throw new ClipError('CLIP_MODEL_INVALID', `onnx session: ${path} gave no float32 output ${name}`);
        out[name] = { data: tensor.data as Float32Array, dims: tensor.dims };
      }
      return out;
    },
    close() {
      return session.release();
    },
  };
}
