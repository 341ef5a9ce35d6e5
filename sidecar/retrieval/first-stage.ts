import type { Client } from '../../es-mappings/client.ts';
import type { FirstStage, FirstStageOptions } from '../../ltr/replay/first-stage.ts';
import type { RankedList } from '../../ltr/second-pass.ts';
import { fuseLists } from '../fusion/fusion.ts';
import { fusionSettings, mergeCandidates, rerankCandidate } from '../pipeline/pipeline.ts';
import { DEFAULT_RANKING } from '../pipeline/request-options.ts';
import { elasticReads, textLists } from './elastic-reads.ts';
import { VectorStore } from './photo-cache.ts';

/**
 * The sidecar's first stage over an index, for training and evaluation to replay past searches
 * through, with the pipeline's own stage functions: the lists of a hybrid /search (kNN only with a
 * CLIP text encoder) in one msearch, fused as the sidecar fuses by default (RRF), and every
 * candidate made as the second pass gets it, with its vector. No policy: the ranker learns on the
 * whole window.
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
      const retrieved = await reads.lists(textLists(text, queryVector, 'hybrid', size * DEFAULT_RANKING.numCandidatesFactor), { index, size });
      const listNamed = (name: string): RankedList => retrieved.find((r) => r.list.name === name)?.list ?? { name, hits: [] };
      const facts = mergeCandidates(retrieved);
      const fused = fuseLists(retrieved.map((r) => r.list), fusionSettings(DEFAULT_RANKING, undefined)).filter((hit) => facts.has(hit.id));
      const found = await vectors.get(fused.map((h) => h.id));
      const candidates = fused.map((hit) => rerankCandidate(hit, facts.get(hit.id)!, found.get(hit.id)));
      return { keyword: listNamed('keyword'), clip: listNamed('clip'), candidates, queryVector };
    },
  };
}
