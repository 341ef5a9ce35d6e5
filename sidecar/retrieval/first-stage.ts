import type { Client } from '../../es-mappings/client.ts';
import type { FirstStage, FirstStageOptions } from '../../ltr/replay/first-stage.ts';
import type { RankedList, RerankCandidate } from '../../ltr/second-pass.ts';
import { elasticReads } from '../elastic-reads.ts';
import { fuse } from '../search/rank-pipeline.ts';
import { DEFAULT_RANKING } from '../search/ranking-options.ts';
import { mergeCandidates, retrieveText } from '../search/retrieve.ts';
import { VectorStore } from '../search/vector-store.ts';

/**
 * The sidecar's first stage over an index, for training and evaluation to replay past searches
 * through: the keyword query and the kNN search as `/search` sends them (kNN only with a CLIP text
 * encoder), fused as the sidecar fuses by default (RRF), with each candidate's vector.
 */
export function replayFirstStage(es: Client, index: string, encoder?: { embedQuery(text: string): Promise<Float32Array> }, size = DEFAULT_RANKING.candidates): FirstStageOptions {
  const reads = elasticReads(es);
  const vectors = new VectorStore(reads, { index });
  return {
    es,
    index,
    vectors,
    async firstStage(text: string): Promise<FirstStage> {
      const queryVector = encoder ? await encoder.embedQuery(text) : undefined;
      const retrieved = await retrieveText(reads, text, queryVector, { index, size, mode: 'hybrid', numCandidates: size * DEFAULT_RANKING.numCandidatesFactor });
      const listNamed = (name: string): RankedList => retrieved.find((r) => r.list.name === name)?.list ?? { name, hits: [] };
      const fused = fuse(retrieved.map((r) => r.list), DEFAULT_RANKING.fusion);
      const merged = mergeCandidates(retrieved);
      const found = await vectors.get(fused.map((h) => h.id));
      const candidates = fused.flatMap((hit): RerankCandidate[] => {
        const candidate = merged.get(hit.id);
        return candidate ? [{ id: hit.id, candidate, vector: found.get(hit.id), lists: hit.lists, fused: hit.score }] : [];
      });
      return { keyword: listNamed('keyword'), clip: listNamed('clip'), candidates, queryVector };
    },
  };
}
