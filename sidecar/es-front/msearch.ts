import { text as readText } from 'node:stream/consumers';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { esError, personalizeOf, personalizeResponse, resolvesToPhotos, type FrontCall, type PersonalizeExt } from '../compat/es-search.ts';
import { passThrough } from '../retrieval/pass-through.ts';
import { scopeOf, type SidecarServices } from '../services.ts';

/** One search of an `_msearch`: its header line (index, routing, …) and its body line. */
export interface MsearchPart {
  header: Record<string, unknown>;
  body: Record<string, unknown>;
}

/** The searches of an `_msearch` NDJSON body, or undefined when it is not header/body pairs of JSON objects. */
export function searchesOf(text: string): MsearchPart[] | undefined {
  const lines = text.split('\n').filter((line) => line.trim().length > 0);
  if (lines.length % 2 !== 0) return undefined;
  const parts: MsearchPart[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    const header = objectOf(lines[i]!);
    const body = objectOf(lines[i + 1]!);
    if (!header || !body) return undefined;
    parts.push({ header, body });
  }
  return parts;
}

function objectOf(line: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `_msearch` with `ext.personalize` in some of its searches: each is checked as `_search` checks
 * one, the searches go to the cluster in one `_msearch` without their `ext`, and each personalized
 * search's response is re-ranked for its own user; the others are Elasticsearch's as they came.
 */
export async function personalizedMsearch(c: Context, services: SidecarServices, call: FrontCall, parts: MsearchPart[]): Promise<Response> {
  const scope = scopeOf(c);
  const wanted: Array<PersonalizeExt | undefined> = [];
  for (const [i, part] of parts.entries()) {
    if (!('ext' in part.body)) {
      wanted.push(undefined);
      continue;
    }
    const personalize = personalizeOf(part.body.ext);
    if (typeof personalize === 'string') return esError(c, 400, 'parsing_exception', `${personalize} (search ${i + 1} of the _msearch)`);
    if ('pit' in part.body) return esError(c, 400, 'illegal_argument_exception', `pixrank sidecar: ext.personalize does not apply to point-in-time searches (search ${i + 1} of the _msearch); send it without it`);
    const target = headerTarget(part.header) ?? call.target;
    if (!(await resolvesToPhotos(services, target, { headers: call.headers, signal: scope.signal }))) {
      return esError(c, 400, 'illegal_argument_exception', `pixrank sidecar: ext.personalize applies to the photos index [${services.index}] only; [${target || '_all'}] (search ${i + 1} of the _msearch) names other indices`);
    }
    wanted.push(personalize);
  }
  const ndjson = parts.map(({ header, body }) => {
    const { ext: _ext, ...forward } = body;
    return `${JSON.stringify(header)}\n${JSON.stringify(forward)}\n`;
  });
  // The answer is read and re-serialized here, so it is asked for uncompressed.
  const { 'accept-encoding': _encoding, 'content-length': _length, ...headers } = call.headers;
  const path = `${call.target ? `/${encodeURIComponent(call.target)}` : ''}/_msearch`;
  const answer = await passThrough(services.es, { method: 'POST', path, querystring: new URLSearchParams(call.querystring).toString(), headers, body: Buffer.from(ndjson.join('')) }, { signal: scope.signal, requestTimeoutMs: services.limits.requestTimeoutMs });
  const text = await readText(answer.body);
  c.header('x-elastic-product', 'Elasticsearch');
  if (answer.status !== 200) return c.body(text, answer.status as ContentfulStatusCode, { 'content-type': String(answer.headers['content-type'] ?? 'application/json') });
  const parsed = JSON.parse(text) as { responses: Array<Record<string, unknown>> } & Record<string, unknown>;
  parsed.responses = await Promise.all(
    parsed.responses.map((response, i) => {
      const personalize = wanted[i];
      return personalize && !('error' in response) ? personalizeResponse(services, scope, response, personalize) : response;
    }),
  );
  c.header('x-pixrank-personalized', String(services.secondPass !== undefined));
  return c.json(parsed, 200);
}

/** The index a search of an `_msearch` names in its header (a string or a list). */
function headerTarget(header: Record<string, unknown>): string | undefined {
  const index = header.index;
  if (typeof index === 'string') return index;
  if (Array.isArray(index) && index.every((i) => typeof i === 'string')) return index.join(',');
  return undefined;
}
