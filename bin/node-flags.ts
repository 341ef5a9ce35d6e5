/**
 * The V8 flags a long-running pixrank process (`serve`, `start`) runs with. They must be given when
 * node starts (v8.setFlagsFromString later changes nothing for the heap's young generation), so
 * they are written out where node is started: the shebang of bin/pixrank.js (`npx pixrank …`), the
 * `start` script of package.json, and the bench's sidecars; node-flags.test.ts checks they agree.
 *
 * `--max-semi-space-size=64` (MB; node 20's default is 16): a request's garbage (Elasticsearch's
 * parsed answers, the candidates, the feature matrix) dies young instead of being promoted and then
 * collected by a mark-compact of the whole ~350 MB heap (the photo table) that stalled every request
 * in flight. Personalized searches at 44 req/s for 40 s, 100k photos: p99 27.6–46.9 ms and 122–124
 * scavenges instead of 90.8–295 ms and 397 (three runs and two); 32 MB gave 31.7. The sidecar's
 * resident memory after such a run: 1.14 GB with 64 MB, 1.06 with 32, 0.99–1.07 with the default.
 */
export const SERVE_NODE_FLAGS = ['--max-semi-space-size=64'] as const;
