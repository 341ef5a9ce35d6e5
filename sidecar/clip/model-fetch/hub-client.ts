import { AbortError } from 'p-retry';
import { ClipError } from '../errors.ts';

/**
 * The parts of the Hugging Face hub's HTTP interface a download needs, as huggingface_hub uses
 * them (file_download.py): `GET {endpoint}/api/models/{repo}/revision/{rev}` lists the files
 * (`siblings[].rfilename`) and the commit (`sha`); `HEAD {endpoint}/{repo}/resolve/{rev}/{path}`
 * gives the file's metadata without its bytes. Large (LFS) files answer the HEAD with a redirect
 * to a CDN whose headers carry `X-Linked-Etag` (the sha256 of the content) and `X-Linked-Size`;
 * small files answer 200 with `ETag` (the git blob sha1). Every answer carries `X-Repo-Commit`.
 */
export interface HubOptions {
  /** `HF_ENDPOINT`, default https://huggingface.co */
  endpoint: string;
  /** `HF_TOKEN`, sent as `Authorization: Bearer …` to the hub (never to a CDN on another origin). */
  token?: string;
  /** Milliseconds for a metadata request, and without a byte during a download. Default 30 s. */
  timeoutMs: number;
}

export interface RepoListing {
  commit: string;
  files: string[];
}

export interface FileMetadata {
  path: string;
  commit: string | undefined;
  /** Normalized: no quotes, no `W/`. sha256 (64 hex) for LFS files, git sha1 (40 hex) otherwise. */
  etag: string;
  size: number;
  /** Where the bytes are: the CDN address of an LFS file, else the resolve URL. */
  location: string;
}

/** Options from the environment, the way the hub's own clients read it. */
export function hubOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): HubOptions {
  const endpoint = (env.HF_ENDPOINT && env.HF_ENDPOINT.length > 0 ? env.HF_ENDPOINT : 'https://huggingface.co').replace(/\/+$/, '');
  const token = env.HF_TOKEN && env.HF_TOKEN.length > 0 ? env.HF_TOKEN : undefined;
  return { endpoint, timeoutMs: 30_000, ...(token ? { token } : {}) };
}

/** A repo id is `name` or `owner/name`, of letters, digits, `-`, `_` and `.`. */
export function checkRepoId(repo: string): string {
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(repo) || repo.includes('..')) {
    throw new ClipError('CLIP_INVALID_ARGUMENT', `model fetch: "${repo}" is not a Hugging Face repo id (owner/name)`);
  }
  return repo;
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export function resolveUrl(options: HubOptions, repo: string, revision: string, path: string): string {
  // A revision such as refs/pr/1 is one path segment on the hub, hence encodeURIComponent.
  return `${options.endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${encodePath(path)}`;
}

export function authHeaders(options: HubOptions, url: string): Record<string, string> {
  const sameOrigin = new URL(url).origin === new URL(options.endpoint).origin;
  return options.token && sameOrigin ? { authorization: `Bearer ${options.token}` } : {};
}

/**
 * An answer that no retry will change (4xx other than 408/429) becomes an AbortError for p-retry.
 * The hub names the cause in `X-Error-Code` (RepoNotFound, RevisionNotFound, EntryNotFound,
 * GatedRepo); without a token it answers 401 for a repo that does not exist as for a private one.
 */
export function hubStatusError(status: number, what: string, options: HubOptions, errorCode?: string | null): Error {
  const code = errorCode ? `, ${errorCode}` : '';
  let message: string;
  if (status === 401 || status === 403) {
    message = options.token
      ? `${what}: the hub refused HF_TOKEN (${status}${code}); check that the token may read this repo and that the repo exists`
      : `${what}: the hub answered ${status}${code}: the repo is private or gated (set HF_TOKEN to a token that may read it) or does not exist`;
  } else if (status === 404) {
    message = `${what}: not found (404${code})`;
  } else {
    message = `${what}: HTTP ${status}${code}`;
  }
  const error = new ClipError('CLIP_HUB_FETCH_FAILED', `model fetch: ${message}`);
  return status === 408 || status === 429 || status >= 500 ? error : new AbortError(error);
}

/** fetch() with the hub's address in its errors ("fetch failed" alone says nothing). */
async function hubFetch(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const e = error as Error & { cause?: { message?: string } };
    throw new ClipError('CLIP_HUB_FETCH_FAILED', `model fetch: cannot reach ${new URL(url).origin}: ${e.message}${e.cause?.message ? `: ${e.cause.message}` : ''}`, { cause: error });
  }
}

export function normalizeEtag(value: string | null): string | undefined {
  if (!value) return undefined;
  const trimmed = value.trim().replace(/^W\//i, '');
  return trimmed.replace(/^"(.*)"$/, '$1') || undefined;
}

/** The files and the commit of a revision; later requests pin that commit, so all files match. */
export async function listRepo(options: HubOptions, repo: string, revision: string): Promise<RepoListing> {
  const url = `${options.endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}`;
  const response = await hubFetch(url, { headers: authHeaders(options, url), signal: AbortSignal.timeout(options.timeoutMs) });
  if (!response.ok) {
    await response.body?.cancel();
    throw hubStatusError(response.status, `repo ${repo} at revision ${revision}`, options, response.headers.get('x-error-code'));
  }
  const json = (await response.json()) as { sha?: unknown; siblings?: Array<{ rfilename?: unknown }> };
  if (typeof json.sha !== 'string' || !Array.isArray(json.siblings)) {
    throw new AbortError(new ClipError('CLIP_HUB_FETCH_FAILED', `model fetch: ${url} did not answer a model listing (no sha or siblings)`));
  }
  const files = json.siblings.map((s) => s.rfilename).filter((f): f is string => typeof f === 'string');
  return { commit: json.sha, files };
}

/**
 * HEAD on the resolve URL, following redirects within the hub (renamed repos) but not to the
 * CDN: the CDN's address and the LFS headers are on the hub's own redirect.
 */
export async function fileMetadata(options: HubOptions, repo: string, revision: string, path: string): Promise<FileMetadata> {
  let url = resolveUrl(options, repo, revision, path);
  for (let hop = 0; hop < 5; hop++) {
    const response = await hubFetch(url, {
      method: 'HEAD',
      redirect: 'manual',
      headers: { ...authHeaders(options, url), 'accept-encoding': 'identity' },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const headers = response.headers;
    const location = headers.get('location');
    const redirect = response.status >= 300 && response.status < 400 && location;
    const next = redirect ? new URL(location, url).toString() : undefined;
    if (next && new URL(next).origin === new URL(url).origin && !headers.get('x-linked-etag')) {
      url = next;
      continue;
    }
    if (!redirect && !response.ok) throw hubStatusError(response.status, `file ${path} of ${repo}`, options, headers.get('x-error-code'));
    const etag = normalizeEtag(headers.get('x-linked-etag')) ?? normalizeEtag(headers.get('etag'));
    const size = Number(headers.get('x-linked-size') ?? headers.get('content-length'));
    if (!etag) throw new AbortError(new ClipError('CLIP_HUB_FETCH_FAILED', `model fetch: ${url} gave no ETag; is ${options.endpoint} a Hugging Face hub?`));
    if (!Number.isSafeInteger(size) || size < 0) throw new AbortError(new ClipError('CLIP_HUB_FETCH_FAILED', `model fetch: ${url} gave no size (X-Linked-Size or Content-Length)`));
    return { path, commit: headers.get('x-repo-commit') ?? undefined, etag, size, location: next ?? url };
  }
  throw new AbortError(new ClipError('CLIP_HUB_FETCH_FAILED', `model fetch: too many redirects for ${repo}/${path}`));
}
