import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_CODES, PixrankError } from '../../es-mappings/errors.ts';
import { ClipError, type ClipErrorCode } from '../clip/index.ts';

/**
 * The HTTP status of each CLIP library code. The library knows nothing of HTTP, so its statuses
 * are set here, by the same rule as pixrank's catalogue (es-mappings/errors.ts): the caller's
 * input → 4xx, the hub → 502, something missing that setting up cures → 503, our own fault → 500.
 * `satisfies` makes a new code in the library a compile error here until it has a status.
 */
export const CLIP_ERROR_STATUS = {
  CLIP_INVALID_ARGUMENT: 400,
  CLIP_INVALID_CONFIG: 500,
  CLIP_INPUT_INVALID: 400,
  CLIP_MODEL_NOT_FOUND: 503,
  CLIP_MODEL_INVALID: 500,
  CLIP_HUB_FETCH_FAILED: 502,
  CLIP_CHECKSUM_MISMATCH: 502,
  CLIP_PYTHON_FAILED: 503,
  CLIP_EXPORT_FAILED: 500,
  CLIP_INTERNAL: 500,
} as const satisfies Record<ClipErrorCode, ContentfulStatusCode>;

/** An error that carries a code from one of the two catalogues. */
export type CodedError = PixrankError | ClipError;

export function isCodedError(error: unknown): error is CodedError {
  return error instanceof PixrankError || error instanceof ClipError;
}

/**
 * The one place a coded error becomes an HTTP status: pixrank's codes from their catalogue, the
 * CLIP library's from the table above. The return type makes every status in both tables one
 * Hono can answer with a body.
 */
export function statusOf(error: CodedError): ContentfulStatusCode {
  return error instanceof ClipError ? CLIP_ERROR_STATUS[error.code] : ERROR_CODES[error.code].status;
}
