import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';

/**
 * The one module that imports onnxruntime-node. Everything else sees plain typed arrays, so the
 * runtime can change without touching the encoders.
 */

export interface OnnxSessionOptions {
  /** Intra-op threads; default: the machine's core count (`os.availableParallelism()`). */
  threads?: number;
  /**
   * Let idle intra-op threads spin-wait for the next run (onnxruntime's default). Off by default:
   * a CLIP process holds a text and a vision session, and on a small machine shared with
   * Elasticsearch the spinning pools of idle sessions take the cores the running one needs
   * (measured on 2 busy cores, int8 text at 8 tokens: p50 20 ms spinning, 11 ms not; two sessions
   * used in turn, 32 ms vs 11.5 ms).
   */
  spinning?: boolean;
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
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /** Runs the model and fetches only the float32 `outputNames` (others are never copied to JS). */
  run(feeds: Record<string, OnnxFeed>, outputNames: readonly string[]): Promise<Record<string, OnnxOutput>>;
  close(): Promise<void>;
}

export function defaultThreads(): number {
  return availableParallelism();
}

function valueInfo(meta: readonly ort.InferenceSession.ValueMetadata[]): OnnxValueInfo[] {
  return meta.map((m) =>
    m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] },
  );
}

/**
 * Opens an ONNX file with explicit session options: every graph optimization, a fixed intra-op
 * thread count, one inter-op thread and sequential execution (CLIP's graphs are a chain, so
 * parallel execution only adds scheduling), no spin-waiting unless asked, CPU only.
 *
 * @example
 * const session = await openOnnxSession('model/onnx/text_model.onnx', { threads: 2 });
 * const out = await session.run({ input_ids: { type: 'int64', data, dims: [1, 8] } }, ['text_embeds']);
 */
export async function openOnnxSession(path: string, options: OnnxSessionOptions = {}): Promise<OnnxSession> {
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`onnx session: threads must be a positive integer, got ${threads}`);
  const session = await ort.InferenceSession.create(path, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    extra: { session: { intra_op: { allow_spinning: options.spinning ? '1' : '0' }, inter_op: { allow_spinning: '0' } } },
  });
  return {
    path,
    threads,
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
        if (!tensor || tensor.type !== 'float32') throw new Error(`onnx session: ${path} gave no float32 output ${name}`);
        out[name] = { data: tensor.data as Float32Array, dims: tensor.dims };
      }
      return out;
    },
    close() {
      return session.release();
    },
  };
}
