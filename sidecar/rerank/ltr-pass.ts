import { alsUser } from '../../ltr/features/extract.ts';
import { FEATURES } from '../../ltr/features/pixrank-featureset.ts';
import { loadModelsDir, type LoadedModels } from '../../ltr/pipeline/models-dir.ts';
import { FEEDBACK_WEIGHTS } from '../profiles/profile-store.ts';
import type { RerankCandidate, RerankContext, RerankResult, SecondPass } from '../../ltr/second-pass.ts';
import { servingFeatures } from './feature-inputs.ts';

/**
 * The learned second pass: the featureset extracted for each candidate (the same code
 * training used), scored by the LambdaMART model of a `pixrank train` folder. The user's profile
 * features come from the live profile (feedback-events, updated by /feedback); a user the
 * collaborative models never saw gets ALS factors folded in from that profile. `explain` gives each
 * feature's value and its contribution to the score (Saabas path attribution: they sum to the score
 * with the bias). `reload()` swaps in a retrained folder (SIGHUP) once it has loaded and warmed up.
 */
export class LtrSecondPass implements SecondPass {
  private models: LoadedModels;

  private constructor(models: LoadedModels) {
    this.models = models;
  }

  static async open(dir: string): Promise<LtrSecondPass> {
    return new LtrSecondPass(await loadModelsDir(dir));
  }

  get version(): string {
    return `ltr:${this.models.manifest.createdAt}:${this.models.ranker.trees.length}-trees`;
  }

  get dir(): string {
    return this.models.dir;
  }

  /** Loads the folder again; the old models serve until the new ones are ready. A failed load keeps the old ones. */
  async reload(): Promise<string> {
    this.models = await loadModelsDir(this.models.dir);
    return this.version;
  }

  alsQuery(user: string, positives: readonly string[]): Float32Array | undefined {
    const { base, manifest } = this.models;
    if (!manifest.alsField) return undefined;
    const factors = alsUser(base.als, user, { mean: null, session: null, positives: positives.map((photo) => ({ photo, weight: FEEDBACK_WEIGHTS.download })) });
    if (!factors) return undefined;
    const query = new Float32Array(manifest.alsField.dims);
    query.set(factors);
    return query;
  }

  features(context: RerankContext, candidates: RerankCandidate[]): Float32Array {
    return servingFeatures(context, candidates, this.models.base);
  }

  async rerank(context: RerankContext, candidates: RerankCandidate[], explain: boolean): Promise<RerankResult> {
    const { ranker } = this.models;
    const features = this.features(context, candidates);
    const scores = Array.from(ranker.score(features, candidates.length));
    if (!explain) return { scores, features };
    const width = FEATURES.length;
    const contributions = candidates.map((_, i) => {
      const row = features.subarray(i * width, (i + 1) * width);
      const explained = ranker.explain(row);
      const out: Record<string, number> = { bias: explained.bias };
      for (const f of explained.features) if (f.contribution !== 0) out[f.feature] = f.contribution;
      return out;
    });
    return { scores, contributions, features };
  }
}
