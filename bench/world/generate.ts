import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COLUMNS } from './columns.ts';
import { makePhotographers, makeUsers, type Photographer, type User } from './people.ts';
import { Random } from '../../ltr/random.ts';
import { photoSvg, rasterize } from './render.ts';
import { TsvTableWriter } from './tsv-writer.ts';
import { COUNTRIES, NOISE_KEYWORDS, PALETTE, TOPICS } from './vocabulary.ts';
import { downloadWeight, type QueryConcepts, type ShownConcept, type TruthPhoto } from '../../ltr/eval/download-model.ts';
import { composeQuery } from './queries.ts';
import { tagPhoto, type TaggerCounts } from './tagger.ts';
import { createError } from '../../es-mappings/errors.ts';

export interface WorldOptions {
  out: string;
  photos: number;
  users: number;
  seed: number;
  imageFormat?: 'jpeg' | 'png';
  /** Long side of the images in pixels. */
  imageSize?: number;
  /** photo_image_url = `<imageBase>/<photo_id>.jpg` instead of the relative path `images/<photo_id>.jpg`. */
  imageBase?: string;
  rowsPerPart?: number;
  images?: boolean;
  /**
   * Share of photos (0–1) whose AI keywords miss their primary topic, and, independently, share
   * that get a few keywords of another topic with a real-looking confidence: the errors an image
   * tagger makes. Drawn from a stream of their own, so everything else (images, users, downloads,
   * truth) is the same as the seed's error-free world. Default 0.
   */
  tagNoise?: number;
  /**
   * `clean` (default): every photo's keywords name its topics and colors exactly (the first world).
   * `ai`: an image tagger's view of what the photo shows — concepts found by salience, look-alikes
   * confused (tagger.ts, TAGGER_RATES). Its own random stream: images, users and truth stay the seed's.
   */
  tagger?: 'clean' | 'ai';
  /**
   * `topic-word` (default): users search one topic word and download by topic × taste × popularity (the
   * first world). `people`: one- to four-term queries, some in the user's language (queries.ts,
   * QUERY_RATES), and downloads by how much of the query the photo shows × taste × popularity.
   */
  searchers?: 'topic-word' | 'people';
}

export interface WorldSummary {
  photos: number;
  users: number;
  keywords: number;
  colors: number;
  collections: number;
  conversions: number;
  /** Photos whose primary topic the keywords miss, and photos given another topic's keywords (tagNoise); with the `ai` tagger, concepts missed and confused. */
  taggingErrors: { missed: number; confused: number };
  seconds: number;
}

interface Photo {
  id: string;
  topics: number[];
  colors: number[];
  photographer: Photographer;
  downloads: number;
  /** What the photo shows, with salience (set once it is drawn). */
  concepts: ShownConcept[];
}

/** How much of the frame a second topic takes: drawn in a corner at 45% size. */
const SECONDARY_TOPIC_SALIENCE = 0.45;

function conceptsOf(photo: Photo, coverage: [number, number]): ShownConcept[] {
  return [
    ...photo.topics.map((t, i) => ({ concept: TOPICS[t]!.name, kind: 'topic' as const, salience: i === 0 ? 1 : SECONDARY_TOPIC_SALIENCE })),
    ...photo.colors.map((c, i) => ({ concept: PALETTE[c]!.name, kind: 'color' as const, salience: Number((photo.colors.length === 1 ? coverage[0] : coverage[i]!).toFixed(3)) })),
  ];
}

const YEAR_START = Date.UTC(2022, 4, 1);
const YEAR_END = Date.UTC(2023, 4, 1);
const CAMERAS = [['Canon', 'EOS 5D Mark IV'], ['Nikon', 'D850'], ['Sony', 'ILCE-7M3'], ['FUJIFILM', 'X-T3'], ['Apple', 'iPhone 12 Pro']] as const;

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function rgb(hex: string): [number, number, number] {
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/**
 * A synthetic Unsplash Lite world with a known truth: the five tables in the published
 * format, image files whose pixels carry each photo's topics (motifs) and colors, users whose tastes
 * drive their downloads, and `truth/` for evaluation. Same seed → same bytes.
 */
export async function generateWorld(options: WorldOptions): Promise<WorldSummary> {
  const started = Date.now();
  const r = new Random(options.seed);
  const tagNoise = options.tagNoise ?? 0;
  if (!(tagNoise >= 0 && tagNoise <= 1)) throw createError('INVALID_ARGUMENT', `generate: tagNoise must be within 0–1, got ${tagNoise}`);
  const tagger: Tagger | undefined = tagNoise > 0 ? { r: new Random(options.seed * 7919 + 13), rate: tagNoise, missed: 0, confused: 0 } : undefined;
  const aiTagger: AiTagger | undefined = options.tagger === 'ai' ? { r: new Random(options.seed * 7919 + 29), counts: { missed: 0, confused: 0, found: 0 } } : undefined;
  const searchers = options.searchers ?? 'topic-word';
  const out = options.out;
  const rowsPerPart = options.rowsPerPart ?? 25_000;
  const withImages = options.images !== false;
  const format = options.imageFormat ?? 'jpeg';
  const extension = format === 'png' ? 'png' : 'jpg';
  const long = options.imageSize ?? 256;
  await mkdir(join(out, 'truth'), { recursive: true });
  if (withImages) await mkdir(join(out, 'images'), { recursive: true });

  const tables = Object.fromEntries(Object.entries(COLUMNS).map(([table, columns]) => [table, new TsvTableWriter(out, table, columns, rowsPerPart)])) as Record<keyof typeof COLUMNS, TsvTableWriter>;
  const photographers = makePhotographers(r, Math.max(3, Math.round(options.photos / 20)));
  const collections = TOPICS.flatMap((topic, t) => [0, 1].map((k) => ({ id: 1000 + t * 2 + k, title: `${k === 0 ? 'Best of' : 'My favourite'} ${topic.name}`, topic: t })));
  const photos: Photo[] = [];
  const truthPhotos: string[] = [];

  const batch = 32;
  for (let start = 0; start < options.photos; start += batch) {
    const specs = [];
    for (let i = start; i < Math.min(options.photos, start + batch); i++) {
      const photographer = r.pick(photographers);
      const primary = r.chance(0.6) ? r.pick(photographer.topics) : r.int(0, TOPICS.length - 1);
      const topics = [primary];
      if (r.chance(0.3)) topics.push((primary + r.int(1, TOPICS.length - 1)) % TOPICS.length);
      const dominant = r.chance(0.4) ? photographer.color : r.int(0, PALETTE.length - 1);
      const colors = [dominant];
      if (r.chance(0.6)) colors.push((dominant + r.int(1, PALETTE.length - 1)) % PALETTE.length);
      const shape = r.weighted([0.6, 0.25, 0.15]);
      const [w, h] = shape === 0 ? [long, Math.round(long * 0.75)] : shape === 1 ? [Math.round(long * 0.75), long] : [Math.round(long * 0.875), Math.round(long * 0.875)];
      const photo: Photo = { id: r.id(), topics, colors, photographer, downloads: 0, concepts: [] };
      const spec = { width: w, height: h, topics: topics.map((t) => TOPICS[t]!.name), colors: colors.map((c) => PALETTE[c]!.hex), format };
      specs.push({ photo, w, h, svg: photoSvg(r, spec), spec });
    }
    const rendered = withImages ? await Promise.all(specs.map((s) => rasterize(s.svg, s.spec))) : specs.map(() => undefined);
    for (const [k, { photo, w, h }] of specs.entries()) {
      const image = rendered[k];
      if (image) await writeFile(join(out, 'images', `${photo.id}.${extension}`), image.bytes);
      const coverage = image?.coverage ?? [photo.colors.length > 1 ? 0.7 : 1, 0.3];
      photo.concepts = conceptsOf(photo, coverage);
      writePhotoRows(r, tables, photo, w, h, coverage, options, extension, collections, { tagger, aiTagger });
      photos.push(photo);
      truthPhotos.push(JSON.stringify({ photo_id: photo.id, topics: photo.topics.map((t) => TOPICS[t]!.name), colors: photo.colors.map((c) => PALETTE[c]!.name), concepts: photo.concepts }));
    }
  }

  const users = makeUsers(r, options.users, photographers);
  const queries = writeConversions(r, tables.conversions, users, photos, searchers);

  await Promise.all(Object.values(tables).map((t) => t.close()));
  await writeFile(join(out, 'truth', 'topics.json'), `${JSON.stringify(Object.fromEntries(TOPICS.map((t) => [t.name, t.keywords])), null, 2)}\n`);
  await writeFile(join(out, 'truth', 'photos.jsonl'), `${truthPhotos.join('\n')}\n`);
  await writeFile(join(out, 'truth', 'queries.jsonl'), `${[...queries.entries()].map(([query, q]) => JSON.stringify({ query, languages: [...q.languages], concepts: q.concepts })).join('\n')}\n`);
  await writeFile(join(out, 'truth', 'world.json'), `${JSON.stringify({ tagger: options.tagger ?? 'clean', searchers, downloadRule: searchers === 'people' ? 'shows' : 'topic-word' }, null, 2)}\n`);
  const truthUsers = users.map((u) =>
    JSON.stringify({
      user_id: u.id,
      tastes: {
        topics: Object.fromEntries(TOPICS.map((t, i) => [t.name, Number(u.topics[i]!.toFixed(4))]).filter(([, w]) => (w as number) > 0.02)),
        colors: u.colors.map((c) => PALETTE[c]!.name),
        photographers: u.photographers,
      },
      country: u.country.code,
      language: u.language,
      sessions: u.sessions,
    }),
  );
  await writeFile(join(out, 'truth', 'users.jsonl'), `${truthUsers.join('\n')}\n`);
  return {
    photos: tables.photos.rows,
    users: users.length,
    keywords: tables.keywords.rows,
    colors: tables.colors.rows,
    collections: tables.collections.rows,
    conversions: tables.conversions.rows,
    taggingErrors: { missed: aiTagger?.counts.missed ?? tagger?.missed ?? 0, confused: aiTagger?.counts.confused ?? tagger?.confused ?? 0 },
    seconds: (Date.now() - started) / 1000,
  };
}

/** The tagger's own random stream and what it got wrong. */
interface Tagger {
  r: Random;
  rate: number;
  missed: number;
  confused: number;
}

/** The `ai` tagger's own random stream and its counts. */
interface AiTagger {
  r: Random;
  counts: TaggerCounts;
}

function writePhotoRows(
  r: Random,
  tables: Record<keyof typeof COLUMNS, TsvTableWriter>,
  photo: Photo,
  w: number,
  h: number,
  coverage: [number, number],
  options: WorldOptions,
  extension: string,
  collections: Array<{ id: number; title: string; topic: number }>,
  { tagger, aiTagger }: { tagger: Tagger | undefined; aiTagger: AiTagger | undefined },
): void {
  const topic = TOPICS[photo.topics[0]!]!;
  const color = PALETTE[photo.colors[0]!]!;
  const word = r.pick(topic.keywords);
  const views = Math.round(r.logNormal(8, 1.2));
  photo.downloads = Math.round(views * (0.005 + 0.02 * r.float()));
  const place = r.chance(0.8) ? photo.photographer.country : r.pick(COUNTRIES);
  const [make, model] = r.pick(CAMERAS);
  const quirk = r.float();
  const description = quirk < 0.3 ? null : quirk < 0.35 ? `"${color.name}" ${word}\tat ${place.city}\nsecond line` : `${color.name[0]!.toUpperCase()}${color.name.slice(1)} ${word} in ${place.city}`;
  const url = options.imageBase ? `${options.imageBase.replace(/\/$/, '')}/${photo.id}.${extension}` : `images/${photo.id}.${extension}`;
  tables.photos.write([
    photo.id, `https://unsplash.com/photos/${photo.id}`, url, timestamp(Date.UTC(2015, 0, 1) + r.float() * 7 * 365 * 864e5), r.chance(0.1),
    w * 16, h * 16, Number(((w * 16) / (h * 16)).toFixed(2)), description, photo.photographer.username, photo.photographer.firstName,
    photo.photographer.lastName, make, model, r.pick([100, 200, 400, 800]), r.pick(['1.8', '2.8', '4.0', '8.0']), r.pick(['24.0', '35.0', '50.0', '85.0']),
    r.pick(['1/60', '1/250', '1/1000']), `${place.city}, ${place.name}`, Number((place.lat + (r.float() - 0.5)).toFixed(4)),
    Number((place.lon + (r.float() - 0.5)).toFixed(4)), place.name, place.city, views, photo.downloads,
    `a ${word} with ${color.name} tones`, null, null, null, null, null,
  ]);

  const keyword = (text: string, one: number | null, two: number | null, user: boolean) =>
    tables.keywords.write([photo.id, text, one === null ? null : Number(one.toFixed(3)), two === null ? null : Number(two.toFixed(3)), user]);
  const missesPrimary = tagger ? tagger.r.chance(tagger.rate) : false;
  if (missesPrimary) tagger!.missed += 1;
  for (const [i, t] of photo.topics.entries()) {
    const strength = i === 0 ? 1 : 0.8;
    for (const kw of r.sample(TOPICS[t]!.keywords, r.int(3, 5))) {
      // Drawn whether or not written, so a missed topic leaves the world's random stream unchanged.
      const one = (60 + 39 * r.float()) * strength;
      const two = r.chance(0.6) ? (50 + 45 * r.float()) * strength : null;
      if (!(i === 0 && missesPrimary) && !aiTagger) keyword(kw, one, two, false);
    }
  }
  for (const c of photo.colors) {
    const one = 50 + 40 * r.float();
    if (!aiTagger) keyword(PALETTE[c]!.name, one, null, false);
  }
  const aiRows = aiTagger ? tagPhoto(aiTagger.r, photo.concepts, aiTagger.counts) : [];
  for (const row of aiRows) keyword(row.keyword, row.one, row.two, false);
  for (const noise of r.sample(NOISE_KEYWORDS, r.int(1, 3))) keyword(noise, 5 + 25 * r.float(), null, false);
  if (tagger && tagger.r.chance(tagger.rate)) {
    tagger.confused += 1;
    const wrong = TOPICS[(photo.topics[0]! + tagger.r.int(1, TOPICS.length - 1)) % TOPICS.length]!;
    for (const kw of tagger.r.sample(wrong.keywords, tagger.r.int(2, 3))) keyword(kw, 50 + 45 * tagger.r.float(), null, false);
  }
  if (r.chance(0.3)) keyword(r.pick(topic.keywords), null, null, true);
  if (r.chance(0.15)) {
    // A duplicate the cleanup merges (of a keyword the tagger wrote, so it adds no knowledge).
    const duplicated = aiTagger ? aiRows[0]?.keyword : topic.keywords[0]!;
    const one = 40 * r.float();
    if (duplicated) keyword(`  ${duplicated.toUpperCase()} `, one, null, false);
  }

  photo.colors.forEach((c, i) => {
    const hex = PALETTE[c]!.hex;
    const share = photo.colors.length === 1 ? coverage[0] : coverage[i]!;
    tables.colors.write([photo.id, hex, ...rgb(hex), PALETTE[c]!.name, Number(share.toFixed(4)), Number((share * (0.8 + 0.2 * r.float())).toFixed(4))]);
  });
  if (r.chance(0.15)) {
    const collection = r.pick(collections.filter((c) => c.topic === photo.topics[0]));
    tables.collections.write([photo.id, collection.id, collection.title, timestamp(Date.UTC(2021, 0, 1) + r.float() * 365 * 864e5)]);
  }
}

interface TruthQuery {
  languages: Set<string>;
  concepts: QueryConcepts;
}

/**
 * Users search (mostly their favourite topics) and download 1–3 of the photos of that topic, drawn by
 * the download model (ltr/eval/download-model.ts): `topic-word` searchers type one topic word;
 * `people` type what they want to see (queries.ts) and download what shows it. Returns every distinct
 * query with its concepts and languages, for truth/.
 */
function writeConversions(r: Random, table: TsvTableWriter, users: User[], photos: Photo[], searchers: 'topic-word' | 'people'): Map<string, TruthQuery> {
  const byTopic = TOPICS.map(() => [] as Photo[]);
  for (const photo of photos) for (const t of photo.topics) byTopic[t]!.push(photo);
  const queries = new Map<string, TruthQuery>();
  const rule = searchers === 'people' ? 'shows' : 'topic-word';
  for (const user of users) {
    const taste = { colors: user.colors.map((c) => PALETTE[c]!.name), photographers: user.photographers };
    for (let s = 0; s < user.sessions; s++) {
      const t = r.chance(0.85) ? r.weighted(user.topics) : r.int(0, TOPICS.length - 1);
      const pool = byTopic[t]!;
      if (pool.length === 0) continue;
      const query = searchers === 'people' ? composeQuery(r, user, t) : topicWord(r, t);
      const seen = queries.get(query.text) ?? { languages: new Set<string>(), concepts: query.concepts };
      seen.languages.add(query.language);
      queries.set(query.text, seen);
      const candidates = pool.length > 200 ? r.sample(pool, 200) : pool;
      const weights = candidates.map((p) => downloadWeight(rule, truthOf(p), taste, query.concepts));
      const when = YEAR_START + r.float() * (YEAR_END - YEAR_START);
      const taken = new Set<number>();
      for (let d = r.int(1, 3); d > 0 && taken.size < candidates.length; d--) {
        const i = r.weighted(weights.map((w, j) => (taken.has(j) ? 0 : w)));
        taken.add(i);
        const country = r.chance(0.9) ? user.country.code : r.pick(['US', 'GB', 'DE', 'IN']);
        table.write([timestamp(when + d * 60_000), 'download', query.text, candidates[i]!.id, user.id, country]);
      }
    }
  }
  return queries;
}

/** The first world's query: one of the topic's own keywords, the first ones more often. */
function topicWord(r: Random, t: number): { text: string; language: string; concepts: QueryConcepts } {
  const vocabulary = TOPICS[t]!.keywords;
  return { text: vocabulary[r.weighted(vocabulary.map((_, i) => 1 / (i + 1)))]!, language: 'en', concepts: { topics: [TOPICS[t]!.name], colors: [] } };
}

function truthOf(photo: Photo): TruthPhoto {
  return { id: photo.id, topics: photo.topics.map((t) => TOPICS[t]!.name), concepts: photo.concepts, photographer: photo.photographer.username, downloads: photo.downloads };
}
