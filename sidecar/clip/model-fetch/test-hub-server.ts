import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';

/**
 * A local stand-in for the Hugging Face hub, for tests: serves a folder in the hub's URL layout.
 * The API lists the files; `resolve` answers `.onnx` files (LFS on the real hub) with a 302 to a
 * "CDN" on a second port (another origin, as on the hub) carrying X-Linked-Etag (sha256) and
 * X-Linked-Size, and small files directly with their git blob sha1 as ETag. The CDN honours Range.
 */
export interface TestHubOptions {
  root: string;
  repo: string;
  commit?: string;
  /** When set, the hub (not the CDN) answers 401 unless `Authorization: Bearer <token>`. */
  token?: string;
  /** Cut the connection after this many bytes, the first time this file is served. */
  cutOnce?: { path: string; afterBytes: number };
  /** Serve this file with its last byte changed, under the original checksum. */
  corrupt?: string;
  /** Answer Range requests with the whole file (200), as some servers do. */
  ignoreRange?: boolean;
}

export interface LoggedRequest {
  server: 'hub' | 'cdn';
  method: string;
  url: string;
  range: string | undefined;
  authorization: string | undefined;
}

export interface TestHub {
  endpoint: string;
  cdn: string;
  commit: string;
  log: LoggedRequest[];
  close(): Promise<void>;
}

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(root, path) : [relative(root, path)];
  });
}

const isLfs = (path: string) => path.endsWith('.onnx');

function listen(server: Server): Promise<string> {
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

export async function startTestHub(options: TestHubOptions): Promise<TestHub> {
  const commit = options.commit ?? 'a'.repeat(40);
  const files = new Map(listFiles(options.root).map((path) => [path, readFileSync(join(options.root, path))]));
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const gitSha1 = (bytes: Buffer) => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  const log: LoggedRequest[] = [];
  let cut = options.cutOnce;
  const record = (server: 'hub' | 'cdn', req: IncomingMessage) =>
    log.push({ server, method: req.method ?? '', url: req.url ?? '', range: req.headers.range, authorization: req.headers.authorization });
  const fail = (res: ServerResponse, status: number, code: string) => res.writeHead(status, { 'x-error-code': code }).end(code);

  const cdnServer = createServer((req, res) => {
    record('cdn', req);
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').searchParams.get('path') ?? '');
    let bytes = files.get(path);
    if (!bytes) return fail(res, 404, 'NoSuchKey');
    if (options.corrupt === path) {
      bytes = Buffer.from(bytes);
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range && !options.ignoreRange ? Number(range[1]) : 0;
    if (start >= bytes.length && start > 0) return res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
    const body = bytes.subarray(start);
    const headers = { 'content-length': String(body.length), 'accept-ranges': 'bytes', etag: `"${sha256(bytes)}"` };
    if (start > 0) res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` });
    else res.writeHead(200, headers);
    if (req.method === 'HEAD') return res.end();
    if (cut?.path === path) {
      const keep = Math.max(0, cut.afterBytes - start);
      cut = undefined;
      // A FIN after part of the body (not a reset, which may discard bytes already sent): the
      // client gets exactly `keep` bytes and then a body shorter than its Content-Length.
      res.write(body.subarray(0, keep), () => res.socket?.end());
      return;
    }
    res.end(body);
  });
  const cdn = await listen(cdnServer);

  const hubServer = createServer((req, res) => {
    record('hub', req);
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) return fail(res, 401, 'GatedRepo');
    const url = new URL(req.url ?? '/', 'http://x');
    const prefix = `/api/models/${options.repo}/revision/`;
    if (url.pathname.startsWith('/api/models/')) {
      if (!url.pathname.startsWith(prefix)) return fail(res, 404, 'RepoNotFound');
      const revision = decodeURIComponent(url.pathname.slice(prefix.length));
      if (revision !== 'main' && revision !== commit) return fail(res, 404, 'RevisionNotFound');
      const siblings = [...files.keys()].map((rfilename) => ({ rfilename }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: options.repo, sha: commit, siblings }));
      return;
    }
    const resolve = new RegExp(`^/${options.repo}/resolve/([^/]+)/(.+)$`).exec(url.pathname);
    if (!resolve) return fail(res, 404, 'RepoNotFound');
    const [, revision, encodedPath] = resolve;
    if (revision !== 'main' && revision !== commit) return fail(res, 404, 'RevisionNotFound');
    const path = decodeURIComponent(encodedPath!);
    const bytes = files.get(path);
    if (!bytes) return fail(res, 404, 'EntryNotFound');
    const common = { 'x-repo-commit': commit };
    if (isLfs(path)) {
      res.writeHead(302, {
        ...common,
        location: `${cdn}/repos/${sha256(bytes)}?path=${encodeURIComponent(path)}`,
        etag: `"${gitSha1(Buffer.from(`oid sha256:${sha256(bytes)}`))}"`,
        'x-linked-etag': `"${sha256(bytes)}"`,
        'x-linked-size': String(bytes.length),
      });
      return res.end();
    }
    res.writeHead(200, { ...common, etag: `"${gitSha1(bytes)}"`, 'content-length': String(bytes.length) });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  });
  const endpoint = await listen(hubServer);

  const closeServer = (server: Server) => new Promise<void>((done) => {
    server.closeAllConnections();
    server.close(() => done());
  });
  return { endpoint, cdn, commit, log, close: () => Promise.all([closeServer(hubServer), closeServer(cdnServer)]).then(() => {}) };
}
