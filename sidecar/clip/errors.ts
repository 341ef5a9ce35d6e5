/**
 * The CLIP library's own error codes. pixrank's catalogue is es-mappings/errors.ts, but this folder
 * is a leaf library that imports nothing outside itself (as the Elasticsearch client keeps its own
 * `errors`), so its codes live here, in the same shape: a code, and a message that starts with
 * the part that raised it and says what to do. Which HTTP status each code answers is the
 * sidecar's business, not the library's: sidecar/http/error-status.ts maps every one.
 */
export const CLIP_ERROR_CODES = {
  CLIP_INVALID_ARGUMENT: 'an option given to an encoder, the export or a command is out of range or conflicts with another',
  CLIP_INVALID_CONFIG: 'an environment variable (PIXRANK_ORT_SPIN, PIXRANK_ORT_THREADS) has a value the library cannot use',
  CLIP_INPUT_INVALID: 'an image, text or pixel batch to embed cannot be read or does not fit the model',
  CLIP_MODEL_NOT_FOUND: 'a model folder or hub repo lacks a file the encoders need',
  CLIP_MODEL_INVALID: 'the model files are there but do not fit together (vocabulary, outputs, checkpoint layout)',
  CLIP_HUB_FETCH_FAILED: 'the Hugging Face hub could not be reached, refused the request, or a download broke off',
  CLIP_CHECKSUM_MISMATCH: 'a downloaded file does not hash to what the hub says; it was deleted',
  CLIP_PYTHON_FAILED: 'the Python environment for export and training could not be made (no python3 ≥ 3.10 with venv, or pip failed)',
  CLIP_EXPORT_FAILED: 'the export or training script failed or did not report its result',
  CLIP_INTERNAL: 'a broken invariant in the library: a bug, not a fault of its input',
} as const;

export type ClipErrorCode = keyof typeof CLIP_ERROR_CODES;

/** An error the CLIP library raised on purpose: `code` says which kind, the message what to do. */
export class ClipError extends Error {
  readonly code: ClipErrorCode;

  constructor(code: ClipErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClipError';
    this.code = code;
  }
}
