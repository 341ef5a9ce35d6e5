import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { SidecarServices } from '../services.ts';
import { NO_CHOICES, pageChoices, type PageChoices } from './page-choices.ts';
import { PageQuerySchema, searchBodyOf, type PageQuery } from './page-query.ts';
import { Page, type PageAssets } from './page-view.tsx';
import type { PageResults } from './results-view.tsx';

/** How the page asks the API: `app.request` in the sidecar, so a server-rendered search is the same HTTP call the script makes. */
export type ApiFetch = (path: string, init: RequestInit) => Promise<Response>;

export interface PageRoutesOptions {
  api: ApiFetch;
  /** The pickers' lists; default: aggregations on the services' client (page-choices.ts). */
  choices?: (signal?: AbortSignal) => Promise<PageChoices>;
}

/**
 * The page's own files are tiny and change only with a release, so each is served under a name
 * carrying its digest and cached for a year: a new version is a new URL.
 */
const ASSET_CACHE = 'public, max-age=31536000, immutable';

/**
 * Only this origin's files and images; inline style attributes are allowed for the bars' widths and
 * color swatches (values the page computes, never text from a request).
 */
const CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

interface Asset {
  path: string;
  body: string;
  type: string;
}

function asset(name: string, type: string): Asset {
  const body = readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
  const digest = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return { path: `/page/${digest}/${name}`, body, type };
}

const EMPTY_QUERY: PageQuery = { q: undefined, mode: 'hybrid', user: undefined, personalize: true, color: undefined, orientation: undefined, country: undefined, ops: false };

const pageRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'The search page (HTML): with q, the results rendered on the server; works without JavaScript',
  request: { query: PageQuerySchema },
  responses: {
    200: { description: 'The page', content: { 'text/html': { schema: z.string() } } },
    400: { description: 'The page, with what is wrong with the query', content: { 'text/html': { schema: z.string() } } },
  },
});

/** `GET /` and the page's script and stylesheet. */
export function registerPageRoutes(app: OpenAPIHono, services: Pick<SidecarServices, 'es' | 'index' | 'logger'>, options: PageRoutesOptions): void {
  const files = [asset('page.css', 'text/css; charset=utf-8'), asset('page.js', 'text/javascript; charset=utf-8')] as const;
  const assets: PageAssets = { css: files[0].path, js: files[1].path };
  const choices = options.choices ?? pageChoices(services.es, services.index, { onError: (error) => services.logger.warn({ err: error }, 'page: the pickers’ lists could not be read') });
  for (const file of files) app.get(file.path, (c) => c.body(file.body, 200, { 'content-type': file.type, 'cache-control': ASSET_CACHE }));

  async function render(c: Context, props: { query: PageQuery; results?: PageResults; error?: string }, status: ContentfulStatusCode): Promise<Response> {
    const lists = await choices(c.get('requestSignal')).catch(() => NO_CHOICES);
    const html = await (<Page {...props} choices={lists} assets={assets} />).toString();
    return c.html(`<!doctype html>${html}`, status, { 'content-security-policy': CONTENT_SECURITY_POLICY });
  }

  app.openapi(
    pageRoute,
    async (c) => {
      const query = c.req.valid('query');
      if (!query.q) return render(c, { query }, 200);
      const response = await options.api('/search', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...forwardedAuth(c) },
        body: JSON.stringify(searchBodyOf({ ...query, q: query.q })),
        signal: c.get('requestSignal'),
      });
      const body = (await response.json()) as PageResults | { error?: { message?: string } };
      if (!response.ok || !('hits' in body)) {
        const message = 'error' in body ? body.error?.message : undefined;
        return render(c, { query, error: `The search failed (${response.status}): ${message ?? 'no message'}` }, response.status as ContentfulStatusCode);
      }
      return render(c, { query, results: body }, 200);
    },
    // A mistyped link gets the page back with the problem named, not a JSON error.
    (result, c) => {
      if (result.success) return undefined;
      const message = result.error.issues.map((i) => `${['query', ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
      return render(c, { query: EMPTY_QUERY, error: message }, 400);
    },
  );
}

/** The caller's API key, when keys are required, goes with the page's own call to /search. */
function forwardedAuth(c: Context): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of ['authorization', 'x-api-key']) {
    const value = c.req.header(name);
    if (value) headers[name] = value;
  }
  return headers;
}
