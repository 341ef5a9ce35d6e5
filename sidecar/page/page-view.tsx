import type { PageChoices } from './page-choices.ts';
import { MODES, ORIENTATIONS, type PageQuery, userOf } from './page-query.ts';
import { Results, type PageResults } from './results-view.tsx';

export interface PageAssets {
  css: string;
  js: string;
}

export interface PageProps {
  query: PageQuery;
  choices: PageChoices;
  assets: PageAssets;
  results?: PageResults;
  /** A problem to show instead of results (the search's own error message). */
  error?: string;
}

const MODE_LABELS: Record<(typeof MODES)[number], string> = {
  hybrid: 'hybrid (words and look)',
  clip: 'clip (how it looks)',
  keyword: 'keyword (tagged words)',
};

function Select(props: { id: string; label: string; value: string | undefined; options: readonly string[]; any?: string; labels?: Record<string, string> }) {
  return (
    <span class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.id}>
        {props.any !== undefined ? <option value="">{props.any}</option> : null}
        {props.options.map((o) => (
          <option value={o} selected={o === props.value}>
            {props.labels?.[o] ?? o}
          </option>
        ))}
      </select>
    </span>
  );
}

/** The search form: a GET to `/`, so it works without the script (which takes it over when it runs). */
function SearchForm(props: { query: PageQuery; choices: PageChoices }) {
  const { query, choices } = props;
  // A value chosen by hand (a link) stays selectable even when the aggregation does not list it.
  const withValue = (list: string[], value: string | undefined) => (value && !list.includes(value) ? [value, ...list] : list);
  return (
    <form id="search" role="search" action="/" method="get">
      <div class="row">
        <span class="field grow">
          <label for="q">Search photos</label>
          <input id="q" name="q" type="search" value={query.q ?? ''} placeholder="mountain lake at dawn" required maxlength={500} autocomplete="off" />
        </span>
        <Select id="mode" label="Mode" value={query.mode} options={MODES} labels={MODE_LABELS} />
        <button type="submit">Search</button>
      </div>
      <div class="row">
        <Select id="color" label="Color" value={query.color} options={withValue(choices.colors, query.color)} any="any color" />
        <Select id="orientation" label="Orientation" value={query.orientation} options={ORIENTATIONS} any="any shape" />
        <Select id="country" label="Country" value={query.country} options={withValue(choices.countries, query.country)} any="anywhere" />
        <span class="field">
          <label for="user">User</label>
          <input id="user" name="user" list="users" value={userOf(query) ?? ''} placeholder="anonymous" maxlength={200} autocomplete="off" />
          <datalist id="users">
            <option value="anonymous"></option>
            {choices.users.map((u) => (
              <option value={u}></option>
            ))}
          </datalist>
        </span>
        <span class="field check">
          <input type="hidden" name="personalize" value="off" />
          <input id="personalize" type="checkbox" name="personalize" value="on" checked={query.personalize} />
          <label for="personalize">Personalize</label>
        </span>
        <span class="field check">
          <input id="ops" type="checkbox" name="ops" value="on" checked={query.ops} />
          <label for="ops" title="When an experiment runs: which arm or team placed each photo">Operator view</label>
        </span>
        <button type="button" id="for-you" class="secondary" hidden>
          For you
        </button>
      </div>
    </form>
  );
}

/** Search by image: shown by the script (without it, a multipart POST would answer raw JSON). */
function ImageForm() {
  return (
    <form id="by-image" action="/similar" method="post" enctype="multipart/form-data" hidden>
      <label for="image">Search by image</label>
      <input id="image" name="image" type="file" accept="image/jpeg,image/png,image/webp,image/gif" />
      <button type="submit" class="secondary">
        Find similar
      </button>
      <span class="hint">or drop an image anywhere on the page</span>
    </form>
  );
}

/** The large view the script opens on a photo; a native dialog keeps focus inside and closes on Escape. */
function Viewer() {
  return (
    <dialog id="viewer" aria-labelledby="viewer-title">
      <form method="dialog" class="close">
        <button type="submit" aria-label="Close">
          ×
        </button>
      </form>
      <img id="viewer-image" alt="" width="1024" height="768" />
      <h2 id="viewer-title"></h2>
      <p id="viewer-meta"></p>
      <div class="actions">
        <button type="button" data-feedback="like">
          Like
        </button>
        <button type="button" data-feedback="download">
          Download
        </button>
        <button type="button" data-feedback="skip">
          Skip
        </button>
        <button type="button" id="more-like" class="secondary">
          More like this
        </button>
      </div>
      <p id="viewer-status" role="status"></p>
    </dialog>
  );
}

export function Page(props: PageProps) {
  const { query, results } = props;
  const user = userOf(query);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{query.q ? `${query.q} — pixrank` : 'pixrank — personalized photo search'}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={props.assets.css} />
        <script type="module" src={props.assets.js}></script>
      </head>
      <body>
        <header>
          <h1>pixrank</h1>
          <p>Photo search ranked for the person who asks.</p>
        </header>
        <main>
          <SearchForm query={query} choices={props.choices} />
          <ImageForm />
          <p id="status" role="status" aria-live="polite" class={props.error ? 'error' : undefined}>
            {props.error ?? ''}
          </p>
          <div id="results-area">
            {results ? <Results results={results} title={`Photos for “${query.q}”`} user={user} query={query.q} operator={query.ops} /> : null}
          </div>
        </main>
        <Viewer />
        <footer>
          <a href="/docs">API docs</a> · <a href="/openapi.json">OpenAPI</a> · thumbnails from <code>/images/:photo_id?w=</code>
        </footer>
      </body>
    </html>
  );
}
