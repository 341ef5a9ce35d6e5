import type { Client } from '../../es-mappings/client.ts';
import type { RankedList } from '../../sidecar/fusion/ranked-list.ts';
import type { RerankCandidate } from '../../sidecar/rerank/second-pass.ts';
import { fuse } from '../../sidecar/search/rank-pipeline.ts';
import { DEFAULT_RANKING } from '../../sidecar/search/ranking-options.ts';
import { elasticReads } from '../../sidecar/elastic-reads.ts';
import { mergeCandidates, retrieveText } from '../../sidecar/search/retrieve.ts';
import { VectorStore } from '../../sidecar/search/vector-store.ts';

/** What the first stage of a search gives the second: both lists and the fused candidates with vectors. */
export interface FirstStage {
  keyword: RankedList;
  clip: RankedList;
  /** The hybrid (RRF) order of the union of both lists. */
  candidates: RerankCandidate[];
  queryVector: Float32Array | undefined;
}

export interface FirstStageOptions {
  es: Client;
  index: string;
  vectors: VectorStore;
  embedQuery?: (text: string) => Promise<Float32Array>;
  /** Candidates per list (default: the sidecar's, 100). */
  size?: number;
}

/** The first stage over an index: its vectors, and query embedding when there is a CLIP text encoder. */
export function firstStageOptions(es: Client, index: string, encoder?: { embedQuery(text: string): Promise<Float32Array> }): FirstStageOptions {
  return { es, index, vectors: new VectorStore(elasticReads(es), { index }), ...(encoder ? { embedQuery: (text: string) => encoder.embedQuery(text) } : {}) };
}

/**
 * The sidecar's retrieval for one query text, without personalization: the keyword query and the
 * kNN search as `/search` sends them, fused as the sidecar fuses by default (RRF). Training replays past
 * searches through this, so the ranker learns on the candidates it will see when serving.
 */
export async function firstStage(text: string, options: FirstStageOptions): Promise<FirstStage> {
  const size = options.size ?? DEFAULT_RANKING.candidates;
  const base = { index: options.index, size };
  const queryVector = options.embedQuery ? await options.embedQuery(text) : undefined;
  const retrieved = await retrieveText(elasticReads(options.es), text, queryVector, { ...base, mode: 'hybrid', numCandidates: size * DEFAULT_RANKING.numCandidatesFactor });
  const listNamed = (name: string): RankedList => retrieved.find((r) => r.list.name === name)?.list ?? { name, hits: [] };
  const fused = fuse(retrieved.map((r) => r.list), DEFAULT_RANKING.fusion);
  const merged = mergeCandidates(retrieved);
  const vectors = await options.vectors.get(fused.map((h) => h.id));
  const candidates = fused.flatMap((hit): RerankCandidate[] => {
    const candidate = merged.get(hit.id);
    return candidate ? [{ id: hit.id, candidate, vector: vectors.get(hit.id), lists: hit.lists, fused: hit.score }] : [];
  });
  return { keyword: listNamed('keyword'), clip: listNamed('clip'), candidates, queryVector };
}
