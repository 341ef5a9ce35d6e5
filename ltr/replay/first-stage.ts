import type { Client } from '../../es-mappings/client.ts';
import type { RankedList, RerankCandidate } from '../second-pass.ts';

/** What the first stage of a search gives the second: both lists and the fused candidates with vectors. */
export interface FirstStage {
  keyword: RankedList;
  clip: RankedList;
  /** The hybrid order of the union of both lists. */
  candidates: RerankCandidate[];
  queryVector: Float32Array | undefined;
}

/** Photos' CLIP vectors by id (the ones it has; a photo without a vector is left out). */
export interface VectorLookup {
  get(ids: readonly string[]): Promise<Map<string, Float32Array>>;
}

/**
 * How training and evaluation reach the index. The first stage itself is handed in (the sidecar's
 * retrieval, wired by the CLI), so that the ranker learns on the candidates serving will give it
 * while this library depends on no server.
 */
export interface FirstStageOptions {
  es: Client;
  index: string;
  vectors: VectorLookup;
  /** The first stage for one query text, without personalization. */
  firstStage(text: string): Promise<FirstStage>;
}
