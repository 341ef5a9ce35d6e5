/**
 * pixrank's one catalogue of error codes, as Orama keeps one (`createError('INVALID_SEARCH_MODE', mode)`).
 * Every error pixrank raises on purpose is a PixrankError whose `code` is a key of this table, and
 * the table holds each code's HTTP status: the sidecar's error handler reads the status here, so a
 * code answers the same status wherever it is thrown. The code is for programs; the message is for
 * people and, as in elasticsearch-js, starts with the part that raised it and says what to do.
 *
 * It lives in es-mappings because that is the base layer every part imports. The CLIP library
 * (sidecar/clip/) has a small table of its own in sidecar/clip/errors.ts: it is a leaf library
 * that imports nothing outside its folder.
 *
 * How a status is chosen: 4xx when what the caller gave is wrong (an argument, a data file);
 * 502 when a server pixrank asked (Maven Central, the cluster) answered wrongly; 503 when something
 * pixrank needs is missing or down (a cluster, a JDK, a model) and setting it up cures it; 500 when
 * pixrank itself or its own files are at fault (a broken invariant, a model artifact that does not
 * read, a setting of the process with a value it cannot use).
 */
export const ERROR_CODES = {
  // Elasticsearch: finding, starting and provisioning a cluster.
  ES_UNREACHABLE: { status: 503, meaning: 'the Elasticsearch cluster does not answer or is not ready' },
  // 503 rather than 401: a caller of the sidecar cannot fix the sidecar's own credentials.
  ES_AUTH_FAILED: { status: 503, meaning: "the cluster refuses pixrank's credentials (ES_API_KEY, or ES_USERNAME and ES_PASSWORD)" },
  ES_TLS_FAILED: { status: 503, meaning: "the cluster's certificate is not trusted: set ES_CA_CERT or ES_CA_FINGERPRINT" },
  SECURITY_SETUP_FAILED: { status: 503, meaning: 'the local node with security on could not get its passwords, users or certificates' },
  NO_JDK: { status: 503, meaning: 'no Java ≥ 17 to run the local Elasticsearch distribution' },
  PORT_IN_USE: { status: 503, meaning: 'the port the local node should listen on is taken' },
  DOWNLOAD_FAILED: { status: 502, meaning: 'a download failed: the Elasticsearch distribution, or a photo from its URL' },
  CHECKSUM_MISMATCH: { status: 502, meaning: 'a downloaded file does not match its published checksum' },
  START_FAILED: { status: 503, meaning: 'the local Elasticsearch process could not be started or exited early' },
  NOT_HEALTHY: { status: 503, meaning: 'the local node started but never became healthy in time' },
  USER_SETUP_FAILED: { status: 503, meaning: 'the system user that runs Elasticsearch as root could not be made' },

  // Elasticsearch: indices, the alias over them, and their mappings.
  INDEX_CONFLICT: { status: 409, meaning: 'an index exists with a mapping or contents that do not fit what is asked' },
  // 503 like the sidecar's answer to a missing index: ingesting a dataset cures it.
  INDEX_MISSING: { status: 503, meaning: 'the index is missing or empty; ingest a dataset first' },
  REINDEX_FAILED: { status: 500, meaning: 'copying an index into its next version failed; the alias still points at the old one' },

  // What a command or function was given.
  INVALID_ARGUMENT: { status: 400, meaning: 'an option or argument is out of range, missing, or conflicts with another' },
  // 500: a setting of the process is the operator's to fix, not the caller's.
  INVALID_CONFIG: { status: 500, meaning: 'an environment variable has a value pixrank cannot use (the ES_* variables, PIXRANK_TF_BACKEND, …)' },
  DATA_NOT_FOUND: { status: 404, meaning: 'a data file or folder a command was pointed at does not exist' },
  DATA_MALFORMED: { status: 422, meaning: 'a data file (TSV, .npy, JSONL, TREC) cannot be read as its format says' },
  NOT_ENOUGH_DATA: { status: 422, meaning: 'the data holds too little to fit or evaluate a model' },

  // Personalization models and the ranker.
  MODEL_NOT_FOUND: { status: 503, meaning: 'a model the command or service needs is not there; train or fetch it' },
  MODEL_INVALID: { status: 500, meaning: 'a model artifact is malformed or was made for another format, featureset or size; train again' },
  RUNTIME_UNAVAILABLE: { status: 503, meaning: 'a compute backend (tfjs, WebAssembly SIMD) cannot load on this machine' },
  PROCESS_FAILED: { status: 500, meaning: 'a child process or worker thread (Python, an ALS worker, a pixrank server) failed' },

  // The sidecar.
  SHUTTING_DOWN: { status: 503, meaning: 'the sidecar is closing and takes no more work' },

  // Anything.
  INTERNAL: { status: 500, meaning: 'a broken invariant: a bug in pixrank, not a fault of its input' },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error pixrank raised on purpose: `code` says which kind, the message what to do about it. */
export class PixrankError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PixrankError';
    this.code = code;
  }
}

/**
 * The way to raise an error: the code from the catalogue, a message that starts with the part
 * raising it, and the error that caused it, if any.
 *
 * @example
 * throw createError('DATA_NOT_FOUND', `ingest: ${dataDir} does not exist`);
 */
export function createError(code: ErrorCode, message: string, options?: { cause?: unknown }): PixrankError {
  return new PixrankError(code, message, options);
}
