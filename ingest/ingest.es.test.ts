import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropAlias, testClient, testClusterEnv, uniqueAlias } from '../test/es.ts';
import { vectorsById } from '../sidecar/retrieval/elastic-reads.ts';
import { runIngest } from './run-ingest.ts';
import { encodeNpy } from './vectors/npy.ts';

const client = testClient();
const aliases: string[] = [];
afterAll(async () => {
  for (const alias of aliases) await dropAlias(client, alias);
  await client.close();
});

const PHOTO_HEADER = ['photo_id', 'photo_image_url', 'photo_submitted_at', 'photo_featured', 'photo_width', 'photo_height', 'photo_description', 'photographer_username', 'photo_location_country', 'stats_views', 'stats_downloads'];
const photo = (id: string, width: string | number = 400, description = `photo ${id}`) => [id, `images/${id}.jpg`, '2021-03-04 05:06:07.123', 't', width, 300, description, 'ann', 'Iceland', 100, 5].join('\t');

async function miniWorld(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'world-'));
  const photos = [
    PHOTO_HEADER.join('\t'),
    photo('good0000001'), // 2
    photo('good0000002', 400, '"a ""quoted"" description\twith a tab"'), // 3
    photo('badnumber01', 'wide'), // 4: a bad number
    photo('').replace(/^/, ''), // 5: a missing photo id
    `${photo('toomany0001')}\textra`, // 6: too many fields
    photo('good0000003'), // 7
    'brokenquote\timages/x.jpg\t2021-03-04 05:06:07\tt\t1\t1\t"a quote that never closes\tann\tIceland\t1\t1', // 8: broken quoting
  ];
  await writeFile(join(dir, 'photos.tsv000'), `${photos.join('\n')}\n`);
  await writeFile(join(dir, 'photos.tsv001'), `${PHOTO_HEADER.join('\t')}\n${photo('good0000004')}\n`);
  await writeFile(
    join(dir, 'keywords.tsv000'),
    'photo_id\tkeyword\tai_service_1_confidence\tai_service_2_confidence\tsuggested_by_user\n' +
      'good0000001\tDog\t90\t\tf\ngood0000001\t dog \t40\t70\tt\ngood0000001\t!!!\t99\t\tf\ngood0000002\tdog\t30\t\tf\n',
  );
  await writeFile(join(dir, 'colors.tsv000'), 'photo_id\thex\tred\tgreen\tblue\tkeyword\tai_coverage\tai_score\ngood0000001\t#FF0000\t255\t0\t0\tred\t0.7\t0.9\n');
  await writeFile(join(dir, 'collections.tsv000'), 'photo_id\tcollection_id\tcollection_title\tphoto_collected_at\ngood0000001\t42\tDogs\t2021-05-05 00:00:00\n');
  await writeFile(
    join(dir, 'conversions.tsv000'),
    'converted_at\tconversion_type\tkeyword\tphoto_id\tanonymous_user_id\tconversion_country\n' +
      '2022-06-01 10:00:00\tdownload\tdog\tgood0000001\tuser-a\tIS\n2022-06-02 10:00:00\tdownload\tdog\tgood0000002\tuser-b\tUS\n',
  );
  const vectors = ['good0000001', 'good0000002', 'good0000003', 'good0000004'].map((id, i) => JSON.stringify({ photo_id: id, vector: [1, i, 0, 0] }));
  await writeFile(join(dir, 'vectors.jsonl'), `${vectors.join('\n')}\n`);
  return dir;
}

describe('pixrank ingest', () => {
  it('indexes a dataset with every row accounted for; malformed rows go to rejects with reasons', async () => {
    const alias = uniqueAlias('ingest');
    aliases.push(alias);
    const dir = await miniWorld();
    const summary = await runIngest({ client, dataDir: dir, alias, vectorsFile: join(dir, 'vectors.jsonl') });
    expect(summary).toMatchObject({ read: 8, indexed: 4, rejected: 4, unchanged: 0 });
    expect(summary.read).toBe(summary.indexed + summary.rejected + summary.unchanged);

    const rejects = (await readFile(join(dir, 'rejects', 'photos.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { line: number; reason: string; file: string });
    expect(rejects.map((r) => [r.file, r.line])).toEqual([
      ['photos.tsv000', 4],
      ['photos.tsv000', 5],
      ['photos.tsv000', 6],
      ['photos.tsv000', 8],
    ]);
    expect(rejects.map((r) => r.reason).join('\n')).toMatch(/not an integer[\s\S]*missing photo_id[\s\S]*expected 11 fields, got 12[\s\S]*a quoted field never closes/);

    await client.indices.refresh({ index: alias });
    const doc = (await client.get<Record<string, unknown>>({ index: alias, id: 'good0000001' }))._source!;
    expect(doc.keywords).toEqual([{ keyword: 'dog', confidence: 0.9, ai_service_1: 90, ai_service_2: 70, suggested_by_user: true }]);
    expect(doc.colors).toEqual([{ hex: 'ff0000', name: 'red', coverage: 0.7, score: 0.9 }]);
    expect(doc.collections).toEqual([{ id: '42', title: 'Dogs' }]);
    expect(doc.clip).toBeUndefined(); // vectors are indexed, not kept in _source
    expect((await vectorsById(client, alias, ['good0000001'])).get('good0000001')).toEqual(Float32Array.from([1, 0, 0, 0]));
    const quoted = (await client.get<{ description: string }>({ index: alias, id: 'good0000002' }))._source!;
    expect(quoted.description).toBe('a "quoted" description\twith a tab');
    const events = await client.count({ index: 'feedback-events', query: { bool: { filter: [{ term: { index: alias } }, { term: { source: 'conversions' } }] } } });
    expect(events.count).toBe(2);

    const again = await runIngest({ client, dataDir: dir, alias, vectorsFile: join(dir, 'vectors.jsonl') });
    expect(again).toMatchObject({ read: 8, indexed: 0, rejected: 4, unchanged: 4 });
    expect(again.conversions.unchanged).toBe(true);
  });

  it('brings an events index made by an older version up to date when it ingests into an existing alias: no event with a new field is refused', async () => {
    const alias = uniqueAlias('ingest');
    aliases.push(alias);
    const dir = await miniWorld();
    await runIngest({ client, dataDir: dir, alias, vectorsFile: join(dir, 'vectors.jsonl') });
    // search-events as an older pixrank made it: strict, without the fields added since (page, logged, lang, lang_source).
    const current = (await client.indices.getMapping({ index: 'search-events' }))['search-events']!.mappings;
    const { page: _page, logged: _logged, lang: _lang, lang_source: _langSource, ...older } = current.properties!;
    // Its template is put back by the ingest below; left in place, it would add the new fields at creation.
    await client.indices.deleteIndexTemplate({ name: 'pixrank-search-events' });
    await client.indices.delete({ index: 'search-events' });
    await client.indices.create({ index: 'search-events', mappings: { ...current, properties: older } });
    await expect(client.index({ index: 'search-events', document: { request_id: 'x', page: 1 } })).rejects.toThrow(/strict_dynamic_mapping_exception/);
    await expect(client.index({ index: 'search-events', document: { request_id: 'x', lang: 'de', lang_source: 'detected' } })).rejects.toThrow(/strict_dynamic_mapping_exception/);

    await runIngest({ client, dataDir: dir, alias, vectorsFile: join(dir, 'vectors.jsonl') });
    const properties = (await client.indices.getMapping({ index: 'search-events' }))['search-events']!.mappings.properties!;
    expect(properties.page).toEqual({ type: 'integer' });
    expect(properties.logged).toMatchObject({ type: 'object', enabled: false });
    expect(properties.lang).toEqual({ type: 'keyword' });
    expect(properties.lang_source).toEqual({ type: 'keyword' });
    await client.index({ index: 'search-events', document: { request_id: 'x', page: 1, lang: 'de', lang_source: 'detected' }, refresh: true });
  });

  it('refuses, before any work, an index whose vector dims differ from the vectors in use', async () => {
    const alias = uniqueAlias('ingest');
    aliases.push(alias);
    const dir = await miniWorld();
    await runIngest({ client, dataDir: dir, alias, vectorsFile: join(dir, 'vectors.jsonl') });
    await writeFile(join(dir, 'wide.jsonl'), `${JSON.stringify({ photo_id: 'good0000001', vector: [1, 2, 3, 4, 5, 6, 7, 8] })}\n`);
    await expect(runIngest({ client, dataDir: dir, alias, vectorsFile: join(dir, 'wide.jsonl') })).rejects.toThrow(/4-dim clip vectors but the vectors in use have 8/);
  });

  it('killed half-way (SIGKILL) and run again, ends with every photo once', async () => {
    const alias = uniqueAlias('ingest');
    aliases.push(alias);
    const dir = await mkdtemp(join(tmpdir(), 'world-big-'));
    const count = 30_000;
    const dims = 512;
    const rows = [PHOTO_HEADER.join('\t')];
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = `p${String(i).padStart(10, '0')}`;
      ids.push(id);
      rows.push(photo(id));
    }
    await writeFile(join(dir, 'photos.tsv000'), `${rows.join('\n')}\n`);
    const data = new Float32Array(count * dims);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37);
    await writeFile(join(dir, 'features.npy'), encodeNpy({ rows: count, cols: dims, data }));
    await writeFile(join(dir, 'photo_ids.csv'), `photo_id\n${ids.join('\n')}\n`);

    const cli = new URL('../bin/pixrank.js', import.meta.url).pathname;
    const env = testClusterEnv();
    const args = [cli, 'ingest', '--data', dir, '--index', alias, '--vectors', join(dir, 'features.npy')];
    const first = spawn(process.execPath, args, { env, stdio: 'ignore' });
    const exited = new Promise((resolve) => first.once('exit', resolve));
    while (true) {
      const indexed = await client.count({ index: alias }).then((r) => r.count).catch(() => 0);
      if (indexed > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    first.kill('SIGKILL');
    await exited;
    await client.indices.refresh({ index: alias });
    const partial = (await client.count({ index: alias })).count;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(count);

    const second = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`ingest exited ${code}`))));
    });
    const summary = JSON.parse(second.trim().split('\n').at(-1)!) as { read: number; indexed: number; rejected: number; unchanged: number };
    expect(summary.read).toBe(count);
    expect(summary.read).toBe(summary.indexed + summary.rejected + summary.unchanged);
    expect(summary.unchanged).toBeGreaterThanOrEqual(partial);
    await client.indices.refresh({ index: alias });
    expect((await client.count({ index: alias })).count).toBe(count);
    process.stdout.write(`[ingest] killed after ${partial} of ${count} documents; the second run indexed ${summary.indexed} and skipped ${summary.unchanged}\n`);
  });
});
