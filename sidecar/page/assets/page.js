// pixrank's search page, enhanced. The server renders the page and a plain search without this
// script; with it, searches, "more like this", "for you" and search by image answer in place, and a
// photo opens large with feedback buttons. It talks only to the public API (/search, /similar,
// /recommend/:user, /feedback), the same routes any client uses. Hand-written, no build step.
// The cards it builds are the server's cards (sidecar/page/results-view.tsx), attribute for
// attribute: the browser test compares the two.

const K = 24;
const $ = (selector, root = document) => root.querySelector(selector);
const form = $('#search');
const area = $('#results-area');
const status = $('#status');
const viewer = $('#viewer');
const byImage = $('#by-image');
const forYou = $('#for-you');

/** The results on screen: feedback names the request they came from and its query. */
let shown = readShown();
/** The photo open in the viewer. */
let current = null;

function readShown() {
  const section = $('#results');
  return section ? { requestId: section.dataset.requestId || undefined, query: section.dataset.query || undefined } : {};
}

const thumb = (id, width) => `/images/${encodeURIComponent(id)}?w=${width}`;

function user() {
  const value = $('#user').value.trim();
  return value && value.toLowerCase() !== 'anonymous' ? value : undefined;
}

function personalizing() {
  return $('#personalize').checked;
}

/** Says what happened; a success is only announced (the results' heading already shows it). */
function setStatus(text, kind = 'busy') {
  status.textContent = text;
  status.classList.toggle('error', kind === 'error');
  status.classList.toggle('announce', kind === 'done');
}

/** An element with attributes in the order given (as the server writes them) and children. */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : String(value));
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

// The functions below mirror results-view.tsx (altOf, topFactors, movesOf, movedTitle).
const altOf = (hit) => hit.description ?? (hit.photographer ? `Photo by ${hit.photographer}` : `Photo ${hit.photo_id}`);

function topFactors(contributions, n = 3) {
  const sorted = Object.entries(contributions ?? {})
    .filter(([, v]) => Number.isFinite(v) && v !== 0)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, n);
  const largest = Math.abs(sorted[0]?.[1] ?? 1);
  return sorted.map(([name, value]) => ({ name: name.replace(/_/g, ' '), value, share: Math.round((Math.abs(value) / largest) * 100) }));
}

function movesOf(hits) {
  const byFused = [...hits].sort((a, b) => (b.scores?.fused ?? 0) - (a.scores?.fused ?? 0));
  const first = new Map(byFused.map((h, i) => [h.photo_id, i]));
  return new Map(hits.map((h, i) => [h.photo_id, (first.get(h.photo_id) ?? i) - i]));
}

const movedTitle = (moved) =>
  moved === 0 ? 'where the first stage put it' : `${Math.abs(moved)} ${Math.abs(moved) === 1 ? 'place' : 'places'} ${moved > 0 ? 'up' : 'down'} from where the first stage put it`;

function why(hit, moved = 0) {
  const factors = topFactors(hit.contributions);
  if (factors.length === 0) return null;
  return el(
    'div',
    { class: 'why' },
    el('span', { class: 'moved', title: movedTitle(moved) }, moved > 0 ? `↑${moved}` : moved < 0 ? `↓${-moved}` : '='),
    ...factors.map((f) =>
      el(
        'span',
        { class: 'factor', title: `${f.name}: ${f.value.toFixed(3)}` },
        el('span', { class: `bar${f.value < 0 ? ' neg' : ''}`, style: `width:${f.share}%` }),
        el('span', { class: 'label' }, `${f.name} ${f.value >= 0 ? '+' : '−'}${Math.abs(f.value).toFixed(2)}`),
      ),
    ),
  );
}

function card(hit, moved) {
  const small = hit.thumbnail_url ?? thumb(hit.photo_id, 256);
  const colors = hit.colors ?? [];
  return el(
    'li',
    { class: 'hit', 'data-photo-id': hit.photo_id },
    el(
      'a',
      { class: 'open', href: thumb(hit.photo_id, 1024) },
      el('img', { src: small, srcset: `${small} 1x, ${thumb(hit.photo_id, 512)} 2x`, alt: altOf(hit), loading: 'lazy', decoding: 'async', width: '256', height: '192' }),
    ),
    el('p', { class: 'by' }, el('span', { class: 'photographer' }, hit.photographer ?? 'unknown'), hit.country ? el('span', { class: 'country' }, hit.country) : null),
    colors.length > 0
      ? el('ul', { class: 'colors', 'aria-label': 'Colors' }, ...colors.map((name) => el('li', {}, el('span', { class: 'swatch', style: /^[a-z]{3,20}$/i.test(name) ? `background:${name}` : undefined }), name)))
      : null,
    why(hit, moved),
    operator() && hit.team ? el('p', { class: 'team', title: 'The experiment arm (or interleaving team) that placed this photo' }, `team ${hit.team}`) : null,
  );
}

/** The operator view: which experiment arm or team placed each photo (see results-view.tsx). */
const operator = () => $('#ops')?.checked === true;

function experimentLine(experiment) {
  return experiment.method === 'ab' ? `experiment ${experiment.name}: A/B, arm ${experiment.arm ?? '?'} of ${experiment.arms.join(', ')}` : `experiment ${experiment.name}: interleaving ${experiment.arms.join(' and ')}`;
}

function summaryOf(results) {
  const parts = [`${results.hits.length} photos`, results.mode];
  parts.push(results.personalized ? `personalized for ${user() ?? 'this user'} by ${results.model_version ?? 'the profile'}` : 'not personalized');
  if (results.reason) parts.push(results.reason);
  if (operator() && results.experiment) parts.push(experimentLine(results.experiment));
  if (results.took_ms?.total !== undefined) parts.push(`${Math.round(results.took_ms.total)} ms`);
  return parts.join(' · ');
}

function render(results, title, query) {
  const moves = results.personalized ? movesOf(results.hits) : new Map();
  const section = el(
    'section',
    { id: 'results', 'aria-labelledby': 'results-title', 'data-request-id': results.request_id, 'data-query': query ?? '' },
    el('h2', { id: 'results-title' }, title),
    el('p', { class: 'summary' }, summaryOf(results)),
    results.hits.length === 0 ? el('p', { class: 'empty' }, 'No photos match. Try fewer filters or another mode.') : null,
    el('ol', { class: 'grid' }, ...results.hits.map((hit) => card(hit, moves.get(hit.photo_id)))),
  );
  area.replaceChildren(section);
  shown = readShown();
}

async function api(path, init) {
  const response = await fetch(path, init);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body?.error?.message ?? `${path} answered HTTP ${response.status}`);
  return body;
}

const postJson = (path, body) => api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Shows what a request answers under a title; its error, said plainly, otherwise. */
async function show(title, request, query) {
  setStatus('Searching…');
  area.setAttribute('aria-busy', 'true');
  try {
    const results = await request;
    render(results, title, query);
    setStatus(`${title}: ${results.hits.length} photos.`, 'done');
  } catch (error) {
    setStatus(error.message, 'error');
  } finally {
    area.removeAttribute('aria-busy');
  }
}

function personalFields() {
  const who = user();
  const personalize = personalizing();
  return { ...(who ? { user: who } : {}), personalize, explain: who !== undefined && personalize };
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const q = $('#q').value.trim();
  if (!q) return;
  const filters = {};
  for (const name of ['color', 'orientation', 'country']) if ($(`#${name}`).value) filters[name] = $(`#${name}`).value;
  // The address stays the server's: reloading or sharing it renders the same search.
  history.replaceState(null, '', `/?${new URLSearchParams(new FormData(form))}`);
  const body = { q, mode: $('#mode').value, k: K, ...personalFields(), ...(Object.keys(filters).length > 0 ? { filters } : {}) };
  show(`Photos for “${q}”`, postJson('/search', body), q);
});

forYou.hidden = false;
forYou.addEventListener('click', () => {
  const who = user();
  if (!who) {
    setStatus('Choose a user first: “For you” recommends for someone.', 'error');
    $('#user').focus();
    return;
  }
  show(`For ${who}`, api(`/recommend/${encodeURIComponent(who)}?k=${K}&explain=true`));
});

function searchByImage(file) {
  if (!file) return setStatus('Choose an image file first.', 'error');
  const data = new FormData();
  data.append('image', file);
  data.append('k', String(K));
  show(`Photos like ${file.name}`, api('/similar', { method: 'POST', body: data }));
}

byImage.hidden = false;
byImage.addEventListener('submit', (event) => {
  event.preventDefault();
  searchByImage($('#image').files[0]);
});
$('#image').addEventListener('change', () => searchByImage($('#image').files[0]));

// Drop an image anywhere on the page.
document.addEventListener('dragover', (event) => {
  if (![...(event.dataTransfer?.types ?? [])].includes('Files')) return;
  event.preventDefault();
  document.body.classList.add('dropping');
});
document.addEventListener('dragleave', (event) => {
  if (event.relatedTarget === null) document.body.classList.remove('dropping');
});
document.addEventListener('drop', (event) => {
  const file = [...(event.dataTransfer?.files ?? [])].find((f) => f.type.startsWith('image/'));
  document.body.classList.remove('dropping');
  if (!file) return;
  event.preventDefault();
  searchByImage(file);
});

// The large view, with feedback and "more like this".
function viewerStatus(text, isError = false) {
  const line = $('#viewer-status');
  line.textContent = text;
  line.classList.toggle('error', isError);
}

function openViewer(cardNode) {
  current = cardNode.dataset.photoId;
  const image = $('img', cardNode);
  const large = $('#viewer-image');
  large.src = thumb(current, 1024);
  large.alt = image.alt;
  $('#viewer-title').textContent = image.alt;
  const colors = [...cardNode.querySelectorAll('.colors li')].map((li) => li.textContent);
  $('#viewer-meta').textContent = [$('.photographer', cardNode)?.textContent, $('.country', cardNode)?.textContent, colors.join(', ')].filter(Boolean).join(' · ');
  const who = user();
  for (const button of viewer.querySelectorAll('[data-feedback]')) button.disabled = !who;
  viewerStatus(who ? `Feedback goes to ${who}'s profile.` : 'Choose a user above to give feedback.');
  viewer.showModal();
}

area.addEventListener('click', (event) => {
  const link = event.target.closest('a.open');
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  openViewer(link.closest('.hit'));
});

viewer.addEventListener('click', async (event) => {
  const button = event.target.closest('[data-feedback]');
  if (!button || !current) return;
  const who = user();
  if (!who) return;
  const type = button.dataset.feedback;
  viewerStatus('Sending…');
  try {
    const answer = await postJson('/feedback', { user: who, photo: current, type, ...(shown.query ? { query: shown.query } : {}), ...(shown.requestId ? { request_id: shown.requestId } : {}) });
    viewerStatus(`${button.textContent.trim()}: recorded for ${who} (${answer.profile.positives} photos liked or downloaded). The next personalized search uses it.`);
    if (type === 'download') el('a', { href: thumb(current, 1024), download: `${current}.jpg` }).click();
  } catch (error) {
    viewerStatus(error.message, true);
  }
});

$('#more-like').addEventListener('click', () => {
  const id = current;
  const title = `Photos like “${$('#viewer-title').textContent}”`;
  viewer.close();
  show(title, postJson('/similar', { photo_id: id, k: K, ...personalFields() }));
});
