/**
 * One catalogue of the ways setting up Elasticsearch can fail. Every message names the part that
 * raised it, the cause, and what to do.
 */
export type EsSetupErrorCode =
  | 'ES_UNREACHABLE'
  | 'ES_CONFIG_INVALID'
  | 'ES_AUTH_FAILED'
  | 'ES_TLS_FAILED'
  | 'NO_JDK'
  | 'PORT_IN_USE'
  | 'DOWNLOAD_FAILED'
  | 'CHECKSUM_MISMATCH'
  | 'START_FAILED'
  | 'NOT_HEALTHY'
  | 'USER_SETUP_FAILED'
  | 'SECURITY_SETUP_FAILED'
  | 'INDEX_CONFLICT'
  | 'REINDEX_FAILED';

export class EsSetupError extends Error {
  readonly code: EsSetupErrorCode;

  constructor(code: EsSetupErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EsSetupError';
    this.code = code;
  }
}
