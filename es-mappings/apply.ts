import type { Client } from './client.ts';
import { createError } from './errors.ts';
import { eventTemplates, photosTemplate, photosTemplateName, versionedIndexName, type PhotosTemplateOptions } from './templates.ts';

export interface ApplyResult {
  alias: string;
  template: string;
  index: string;
  createdIndex: boolean;
  clipDims: number;
}

/**
 * Puts the templates and makes sure the alias points at a versioned index, creating `<alias>-v1`
 * the first time. Idempotent: a second run changes nothing. An existing index whose `clip` dims
 * differ from the wanted ones is an error (its vectors could not be searched with this model).
 */
export async function applyMappings(client: Client, options: PhotosTemplateOptions): Promise<ApplyResult> {
  const { alias } = options;
  const template = photosTemplateName(alias);
  const body = photosTemplate(options);
  await client.indices.putIndexTemplate({ name: template, ...body });
  await applyEventMappings(client);

  const current = await indicesBehindAlias(client, alias);
  if (current.length > 0) {
    const index = current[0]!;
    const dims = await clipDimsOf(client, index);
    const wanted = (body.template as { mappings: { properties: { clip: { dims: number } } } }).mappings.properties.clip.dims;
    if (options.clipDims !== undefined && dims !== undefined && dims !== wanted) {
      throw createError(
        'INDEX_CONFLICT',
        `es apply: ${alias} → ${index} has clip vectors of ${dims} dims but the model in use makes ${wanted}; ingest into another --index, or delete ${index} and ingest again`,
      );
    }
    return { alias, template, index, createdIndex: false, clipDims: dims ?? wanted };
  }

  if (await client.indices.exists({ index: alias })) {
    throw createError(
      'INDEX_CONFLICT',
      `es apply: ${alias} is a concrete index, not an alias; pixrank keeps ${alias} as an alias over ${alias}-v1, … (rename or delete that index)`,
    );
  }
  const index = versionedIndexName(alias, 1);
  const created = await createIfMissing(client, index, { [alias]: { is_write_index: true } });
  const clipDims = (await clipDimsOf(client, index)) ?? 0;
  if (!created) {
    // Someone created it between our look and our create (or it lost its alias): make sure it has it.
    await client.indices.updateAliases({ actions: [{ add: { index, alias, is_write_index: true } }] });
  }
  return { alias, template, index, createdIndex: created, clipDims };
}

/**
 * Puts the event templates and creates the event indices when missing. An events index made by an
 * older version gets the fields added since (additions only): its mapping is strict, so without them
 * every event carrying a new field would be refused — and lost — by the bulk writer.
 */
export async function applyEventMappings(client: Client): Promise<void> {
  for (const events of eventTemplates()) {
    await client.indices.putIndexTemplate({ name: events.name, ...events.body });
    const created = await createIfMissing(client, events.index);
    if (!created) await client.indices.putMapping({ index: events.index, ...(events.body.template as { mappings: Record<string, unknown> }).mappings });
  }
}

/**
 * The fields each existing events index lacks against this version's templates (top level, by
 * name). A sidecar started on an index made by an older version would see every event carrying one
 * refused by the strict mapping; `serve` checks on start (see `eventMappingsUpToDate`).
 */
export async function eventMappingGaps(client: Client): Promise<Array<{ index: string; missing: string[] }>> {
  const gaps: Array<{ index: string; missing: string[] }> = [];
  for (const events of eventTemplates()) {
    if (!(await client.indices.exists({ index: events.index }))) continue; // the template makes it on the first event
    const wanted = fieldPaths((events.body.template as { mappings: { properties: Record<string, MappedField> } }).mappings.properties);
    for (const [index, mapping] of Object.entries(await client.indices.getMapping({ index: events.index }))) {
      const have = new Set(fieldPaths((mapping.mappings.properties ?? {}) as Record<string, MappedField>));
      const missing = wanted.filter((field) => !have.has(field));
      if (missing.length > 0) gaps.push({ index, missing });
    }
  }
  return gaps;
}

interface MappedField {
  properties?: Record<string, MappedField>;
}

/**
 * Every field a mapping's properties name, sub-fields of objects as dotted paths (`took_ms.embed`): a
 * strict object refuses a document with a sub-field it lacks as it refuses a missing top-level field.
 */
export function fieldPaths(properties: Record<string, MappedField>, prefix = ''): string[] {
  return Object.entries(properties).flatMap(([name, field]) => [`${prefix}${name}`, ...(field.properties ? fieldPaths(field.properties, `${prefix}${name}.`) : [])]);
}

/**
 * Brings the events indices' mappings up to date when they are behind, if this client may; else
 * says what will be lost and how to fix it. Returns the gaps left (empty when up to date).
 */
export async function eventMappingsUpToDate(client: Client, log: (line: string) => void): Promise<Array<{ index: string; missing: string[] }>> {
  let gaps: Array<{ index: string; missing: string[] }>;
  try {
    gaps = await eventMappingGaps(client);
  } catch (error) {
    log(`could not read the events indices' mappings to check them (${(error as Error).message}); if they were made by an older version, run \`pixrank es apply\``);
    return [];
  }
  if (gaps.length === 0) return gaps;
  const described = gaps.map((g) => `${g.index} lacks ${g.missing.join(', ')}`).join('; ');
  try {
    await applyEventMappings(client);
    log(`events mappings were behind this version (${described}): fields added`);
    return [];
  } catch (error) {
    log(`events mappings are behind this version (${described}) and could not be updated (${(error as Error).message}): events carrying those fields will be refused and lost; run \`pixrank es apply\` as a user allowed to put mappings`);
    return gaps;
  }
}

/** Concrete indices an alias points at (empty when the alias does not exist). */
export async function indicesBehindAlias(client: Client, alias: string): Promise<string[]> {
  const exists = await client.indices.existsAlias({ name: alias });
  if (!exists) return [];
  const found = await client.indices.getAlias({ name: alias });
  return Object.keys(found).sort();
}

export async function clipDimsOf(client: Client, index: string): Promise<number | undefined> {
  return vectorDimsOf(client, index, 'clip');
}

/** The dims of a `dense_vector` field of `index` (an index or an alias), if it is mapped. */
export async function vectorDimsOf(client: Client, index: string, field: string): Promise<number | undefined> {
  const mapping = await client.indices.getMapping({ index });
  const properties = Object.values(mapping)[0]?.mappings.properties as Record<string, { dims?: number }> | undefined;
  return properties?.[field]?.dims;
}

/** Whether `index` (an index or an alias) resolves to at least one index and every one maps `field`. */
export async function mapsField(client: Client, index: string, field: string, signal?: AbortSignal): Promise<boolean> {
  const indices = Object.values(await client.indices.getMapping({ index }, { signal }));
  return indices.length > 0 && indices.every((m) => m.mappings.properties?.[field] !== undefined);
}

async function createIfMissing(client: Client, index: string, aliases?: Record<string, { is_write_index: boolean }>): Promise<boolean> {
  try {
    await client.indices.create({ index, ...(aliases ? { aliases } : {}) });
    return true;
  } catch (error) {
    if ((error as { body?: { error?: { type?: string } } }).body?.error?.type === 'resource_already_exists_exception') return false;
    throw error;
  }
}
