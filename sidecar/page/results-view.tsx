import { thumbnailUrl } from '../images/thumbnail-url.ts';

/**
 * The part of a hit the page shows, as /search, /similar and /recommend answer it over HTTP. The
 * page reads the public JSON contract, not the sidecar's internal types, so the pipeline behind
 * the routes can change without the page noticing.
 */
export interface PageHit {
  photo_id: string;
  rank: number;
  description: string | null;
  photographer: string | null;
  country: string | null;
  colors: string[];
  scores?: { fused?: number };
  contributions?: Record<string, number>;
  /** In an experiment: the arm (or interleaving team) that placed the photo. */
  team?: string;
}

export interface PageResults {
  request_id: string;
  mode: string;
  personalized: boolean;
  model_version: string | null;
  took_ms: Record<string, number>;
  hits: PageHit[];
  /** /recommend says which strategy it used and why. */
  reason?: string;
  /** /search in an experiment (`serve --experiment`). */
  experiment?: { name: string; method: string; arms: string[]; arm?: string };
}

/** Contributions shown per hit: three bars say enough, more is noise on a thumbnail. */
const WHY_FACTORS = 3;

export function altOf(hit: Pick<PageHit, 'photo_id' | 'description' | 'photographer'>): string {
  return hit.description ?? (hit.photographer ? `Photo by ${hit.photographer}` : `Photo ${hit.photo_id}`);
}

/**
 * How many places the second pass moved each hit on this page: its position by first-stage
 * (fused) score among the served hits minus its final one, so +2 means it moved up two.
 */
export function movesOf(hits: readonly PageHit[]): Map<string, number> {
  const byFused = [...hits].sort((a, b) => (b.scores?.fused ?? 0) - (a.scores?.fused ?? 0));
  const first = new Map(byFused.map((h, i) => [h.photo_id, i]));
  return new Map(hits.map((h, i) => [h.photo_id, (first.get(h.photo_id) ?? i) - i]));
}

/** The largest contributions by size, for the "why" line. */
export function topFactors(contributions: Record<string, number> | undefined, n = WHY_FACTORS): Array<{ name: string; value: number; share: number }> {
  const sorted = Object.entries(contributions ?? {})
    .filter(([, v]) => Number.isFinite(v) && v !== 0)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, n);
  const largest = Math.abs(sorted[0]?.[1] ?? 1);
  return sorted.map(([name, value]) => ({ name: name.replace(/_/g, ' '), value, share: Math.round((Math.abs(value) / largest) * 100) }));
}

/** CSS named colors only: anything else is not put into a style attribute. */
const cssColor = (name: string): string | undefined => (/^[a-z]{3,20}$/i.test(name) ? name : undefined);

export const movedTitle = (moved: number): string =>
  moved === 0 ? 'where the first stage put it' : `${Math.abs(moved)} ${Math.abs(moved) === 1 ? 'place' : 'places'} ${moved > 0 ? 'up' : 'down'} from where the first stage put it`;

export function Why(props: { hit: PageHit; moved: number | undefined }) {
  const factors = topFactors(props.hit.contributions);
  if (factors.length === 0) return null;
  const moved = props.moved ?? 0;
  return (
    <div class="why">
      <span class="moved" title={movedTitle(moved)}>
        {moved > 0 ? `↑${moved}` : moved < 0 ? `↓${-moved}` : '='}
      </span>
      {factors.map((f) => (
        <span class="factor" title={`${f.name}: ${f.value.toFixed(3)}`}>
          <span class={`bar${f.value < 0 ? ' neg' : ''}`} style={`width:${f.share}%`}></span>
          <span class="label">{`${f.name} ${f.value >= 0 ? '+' : '−'}${Math.abs(f.value).toFixed(2)}`}</span>
        </span>
      ))}
    </div>
  );
}

export function HitCard(props: { hit: PageHit; moved: number | undefined; operator?: boolean }) {
  const { hit } = props;
  const small = thumbnailUrl(hit.photo_id, 256);
  return (
    <li class="hit" data-photo-id={hit.photo_id}>
      <a class="open" href={thumbnailUrl(hit.photo_id, 1024)}>
        <img src={small} srcset={`${small} 1x, ${thumbnailUrl(hit.photo_id, 512)} 2x`} alt={altOf(hit)} loading="lazy" decoding="async" width="256" height="192" />
      </a>
      <p class="by">
        <span class="photographer">{hit.photographer ?? 'unknown'}</span>
        {hit.country ? <span class="country">{hit.country}</span> : null}
      </p>
      {hit.colors.length > 0 ? (
        <ul class="colors" aria-label="Colors">
          {hit.colors.map((name) => (
            <li>
              <span class="swatch" style={cssColor(name) ? `background:${cssColor(name)}` : undefined}></span>
              {name}
            </li>
          ))}
        </ul>
      ) : null}
      <Why hit={hit} moved={props.moved} />
      {props.operator && hit.team ? (
        <p class="team" title="The experiment arm (or interleaving team) that placed this photo">
          {`team ${hit.team}`}
        </p>
      ) : null}
    </li>
  );
}

/** The line above the grid: how many, for whom, by which model, how fast; in the operator view, the experiment. */
export function summaryOf(results: PageResults, user: string | undefined, operator = false): string {
  const parts = [`${results.hits.length} photos`, results.mode];
  if (results.personalized) parts.push(`personalized for ${user ?? 'this user'} by ${results.model_version ?? 'the profile'}`);
  else parts.push('not personalized');
  if (results.reason) parts.push(results.reason);
  if (operator && results.experiment) parts.push(experimentLine(results.experiment));
  const total = results.took_ms.total;
  if (total !== undefined) parts.push(`${Math.round(total)} ms`);
  return parts.join(' · ');
}

/** The experiment as the operator view states it. */
export function experimentLine(experiment: NonNullable<PageResults['experiment']>): string {
  return experiment.method === 'ab' ? `experiment ${experiment.name}: A/B, arm ${experiment.arm ?? '?'} of ${experiment.arms.join(', ')}` : `experiment ${experiment.name}: interleaving ${experiment.arms.join(' and ')}`;
}

export function Results(props: { results: PageResults; title: string; user: string | undefined; query?: string; operator?: boolean }) {
  const { results } = props;
  const moves = results.personalized ? movesOf(results.hits) : new Map<string, number>();
  return (
    <section id="results" aria-labelledby="results-title" data-request-id={results.request_id} data-query={props.query ?? ''}>
      <h2 id="results-title">{props.title}</h2>
      <p class="summary">{summaryOf(results, props.user, props.operator)}</p>
      {results.hits.length === 0 ? <p class="empty">No photos match. Try fewer filters or another mode.</p> : null}
      <ol class="grid">
        {results.hits.map((hit) => (
          <HitCard hit={hit} moved={moves.get(hit.photo_id)} operator={props.operator} />
        ))}
      </ol>
    </section>
  );
}
