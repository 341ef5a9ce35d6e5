import type { Client } from '../../es-mappings/client.ts';

/**
 * Index settings for the length of a bulk load, per Elasticsearch's "tune for indexing speed"
 * advice: no periodic refresh (each refresh writes a small segment, and every merge of segments
 * rebuilds their HNSW graphs), the translog fsynced every 5 s instead of on every bulk request,
 * and no replica to copy to meanwhile. The values found before are put back afterwards.
 */
export const bulkLoadSettings: Readonly<Record<string, string>> = {
  'index.refresh_interval': '-1',
  'index.translog.durability': 'async',
  'index.number_of_replicas': '0',
};

type Settings = Record<string, string | null>;

async function explicitSettings(client: Client, index: string, keys: readonly string[]): Promise<Settings> {
  const response = await client.indices.getSettings({ index, flat_settings: true });
  const flat = Object.values(response)[0]?.settings as Record<string, unknown> | undefined;
  const found: Settings = {};
  for (const key of keys) {
    const value = flat?.[key];
    found[key] = value === undefined || value === null ? null : String(value);
  }
  return found;
}

/**
 * The values to restore. A kill -9 during a load leaves the bulk values behind; then the index
 * template's values (or the defaults, null) are the ones to return to, not the leftovers.
 */
async function valuesToRestore(client: Client, index: string, before: Settings, bulk: Readonly<Record<string, string>>): Promise<Settings> {
  const leftover = Object.keys(bulk).every((key) => before[key] === bulk[key]);
  if (!leftover) return before;
  const simulated = await client.indices.simulateIndexTemplate({ name: index });
  const template = (simulated.template?.settings ?? {}) as Record<string, unknown>;
  const fromTemplate = (key: string): string | null => {
    const path = key.replace(/^index\./, '').split('.');
    let value: unknown = (template as { index?: unknown }).index ?? template;
    for (const part of path) value = (value as Record<string, unknown> | undefined)?.[part];
    if (value === undefined) value = template[key];
    return value === undefined || value === null ? null : String(value);
  };
  return Object.fromEntries(Object.keys(bulk).map((key) => [key, fromTemplate(key)]));
}

export interface BulkLoadHandle {
  /** Puts back what was there before (or the template's values after a killed load). */
  restore(): Promise<void>;
}

/**
 * Applies `bulk` to the index behind `target` (an alias or an index) and returns how to undo it.
 * `number_of_replicas` only drops when `auto_expand_replicas` is off; a single node has none anyway.
 */
export async function applyBulkLoadSettings(client: Client, target: string, bulk: Readonly<Record<string, string>> = bulkLoadSettings): Promise<BulkLoadHandle> {
  const indices = Object.keys(await client.indices.get({ index: target, features: ['settings'], ignore_unavailable: true, allow_no_indices: true }));
  const keys = Object.keys(bulk);
  const saved: Array<{ index: string; settings: Settings; applied: string[] }> = [];
  for (const index of indices) {
    const before = await explicitSettings(client, index, [...keys, 'index.auto_expand_replicas']);
    const autoExpand = before['index.auto_expand_replicas'];
    const apply = Object.fromEntries(Object.entries(bulk).filter(([key]) => key !== 'index.number_of_replicas' || !autoExpand || autoExpand === 'false'));
    saved.push({ index, settings: await valuesToRestore(client, index, before, bulk), applied: Object.keys(apply) });
    if (Object.keys(apply).length > 0) await client.indices.putSettings({ index, settings: apply, flat_settings: true });
  }
  return {
    async restore() {
      for (const { index, settings, applied } of saved) {
        if (applied.length === 0) continue;
        const back = Object.fromEntries(applied.map((key) => [key, settings[key] ?? null]));
        await client.indices.putSettings({ index, settings: back, flat_settings: true });
      }
    },
  };
}
