import { readFileSync } from 'node:fs';

type Json = Record<string, unknown>;

function load(name: string): Json {
  return JSON.parse(readFileSync(new URL(`./templates/${name}.json`, import.meta.url), 'utf8')) as Json;
}

export const DEFAULT_ALIAS = 'photos';
export const DEFAULT_CLIP_DIMS = 512;
export const DEFAULT_ALS_DIMS = 64;
export const SEARCH_EVENTS_INDEX = 'search-events';
export const FEEDBACK_EVENTS_INDEX = 'feedback-events';

export interface PhotosTemplateOptions {
  /** The alias datasets are read through (`--index NAME`). */
  alias: string;
  clipDims?: number;
  alsDims?: number;
}

export function photosTemplateName(alias: string): string {
  return `pixrank-${alias}`;
}

/** Versioned concrete index names behind an alias: `photos-v1`, `photos-v2`, … */
export function versionedIndexName(alias: string, version: number): string {
  return `${alias}-v${version}`;
}

export function indexVersionOf(alias: string, index: string): number | undefined {
  const match = new RegExp(`^${escapeRegExp(alias)}-v(\\d+)$`).exec(index);
  return match ? Number(match[1]) : undefined;
}

/** The photos index template body for one alias, with the vector dims of the models in use. */
export function photosTemplate(options: PhotosTemplateOptions): Json {
  const body = load('photos');
  const mappings = (body.template as { mappings: { properties: Record<string, Json> } }).mappings;
  mappings.properties.clip!.dims = options.clipDims ?? DEFAULT_CLIP_DIMS;
  mappings.properties.als!.dims = options.alsDims ?? DEFAULT_ALS_DIMS;
  return { ...body, index_patterns: [`${options.alias}-v*`], priority: 200 };
}

export function eventTemplates(): Array<{ name: string; index: string; body: Json }> {
  return [
    { name: 'pixrank-search-events', index: SEARCH_EVENTS_INDEX, body: load('search-events') },
    { name: 'pixrank-feedback-events', index: FEEDBACK_EVENTS_INDEX, body: load('feedback-events') },
  ];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
