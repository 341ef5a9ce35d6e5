export interface ClipEncoderOptions {
  /** Load the `_quantized` (int8) exports instead of fp32. */
  quantized?: boolean;
  /** onnxruntime intra-op threads per session; default: the machine's core count. */
  threads?: number;
  /** Entries in the LRU cache of `embedQuery`; 0 turns the cache off. */
  textCacheSize?: number;
  /** Rows per session run for texts and images. */
  batchSize?: number;
}

export interface ClipEncoder {
  readonly modelDir: string;
  readonly dims: number;
  readonly quantized: boolean;
  /** L2-normalized rows, in input order. */
  embedText(texts: string[]): Promise<Float32Array[]>;
  /** One L2-normalized row; LRU-cached by the exact text. */
  embedQuery(text: string): Promise<Float32Array>;
  /** Image files or bytes → L2-normalized rows; an image that cannot be read is an Error in its slot. */
  embedImages(inputs: Array<string | Buffer>): Promise<Array<Float32Array | Error>>;
  /** A preprocessed NCHW float32 batch of `count` images → L2-normalized rows. */
  embedPixels(pixels: Float32Array, count: number): Promise<Float32Array[]>;
  close(): Promise<void>;
}

/** The API is fixed here first so that others can build on it; the implementation lands next. */
export async function loadClipEncoder(modelDir: string, options: ClipEncoderOptions = {}): Promise<ClipEncoder> {
  void options;
  throw new Error(`clip encoder: not implemented yet (${modelDir})`);
}
