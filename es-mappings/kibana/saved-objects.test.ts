import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALIAS, eventTemplates, photosTemplate } from '../templates.ts';

interface SavedObject {
  id: string;
  type: string;
  attributes: { title: string; name: string; timeFieldName?: string };
  references: unknown[];
}

const lines = readFileSync(new URL('./saved-objects.ndjson', import.meta.url), 'utf8').trim().split('\n');
const objects = lines.map((line) => JSON.parse(line) as SavedObject);

type Properties = Record<string, { type?: string; properties?: Properties }>;

function fieldType(properties: Properties, path: string): string | undefined {
  const [head, ...rest] = path.split('.');
  const field = properties[head!];
  if (!field) return undefined;
  return rest.length === 0 ? field.type : fieldType(field.properties ?? {}, rest.join('.'));
}

describe('Kibana saved objects', () => {
  it('has one data view per index, each importable as it is (ids unique, one object a line)', () => {
    expect(objects.map((o) => o.type)).toEqual(['index-pattern', 'index-pattern', 'index-pattern']);
    expect(new Set(objects.map((o) => o.id)).size).toBe(objects.length);
    expect(objects.map((o) => o.attributes.title).sort()).toEqual([DEFAULT_ALIAS, ...eventTemplates().map((t) => t.index)].sort());
  });

  it('each data view time field is a date in its index template', () => {
    const mappings: Record<string, Properties> = {
      [DEFAULT_ALIAS]: (photosTemplate({ alias: DEFAULT_ALIAS }).template as { mappings: { properties: Properties } }).mappings.properties,
    };
    for (const t of eventTemplates()) mappings[t.index] = (t.body.template as { mappings: { properties: Properties } }).mappings.properties;
    for (const object of objects) {
      const properties = mappings[object.attributes.title]!;
      expect(fieldType(properties, object.attributes.timeFieldName!)).toBe('date');
    }
  });
});
