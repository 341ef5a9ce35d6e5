export type ColumnType = 'string' | 'int' | 'float' | 'bool' | 'timestamp';
export type TableName = 'photos' | 'keywords' | 'collections' | 'conversions' | 'colors';

export interface TableSchema {
  /** Columns whose type is not plain string; any other column the header names is read as string. */
  types: Record<string, ColumnType>;
  /** Columns that must be present and non-empty. */
  required: string[];
}

/** Column types of the Unsplash Lite tables (see shared/unsplash-lite-format.md). */
export const SCHEMAS: Record<TableName, TableSchema> = {
  photos: {
    types: {
      photo_submitted_at: 'timestamp',
      photo_featured: 'bool',
      photo_width: 'int',
      photo_height: 'int',
      photo_aspect_ratio: 'float',
      exif_iso: 'int',
      photo_location_latitude: 'float',
      photo_location_longitude: 'float',
      stats_views: 'int',
      stats_downloads: 'int',
      ai_primary_landmark_latitude: 'float',
      ai_primary_landmark_longitude: 'float',
    },
    required: ['photo_id'],
  },
  keywords: {
    types: { ai_service_1_confidence: 'float', ai_service_2_confidence: 'float', suggested_by_user: 'bool' },
    required: ['photo_id', 'keyword'],
  },
  collections: { types: { photo_collected_at: 'timestamp' }, required: ['photo_id', 'collection_id'] },
  conversions: { types: { converted_at: 'timestamp' }, required: ['converted_at', 'photo_id', 'anonymous_user_id'] },
  colors: { types: { red: 'int', green: 'int', blue: 'int', ai_coverage: 'float', ai_score: 'float' }, required: ['photo_id', 'hex'] },
};

export type Cell = string | number | boolean | null;

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const PHOTO_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Parses one field. Timestamps become ISO-8601 strings in UTC (the dataset writes them without a
 * zone): strings stay JSON- and Elasticsearch-friendly, and sort as text.
 */
export function parseCell(value: string, type: ColumnType): Cell {
  if (value === '') return null;
  switch (type) {
    case 'string':
      return value;
    case 'int': {
      if (!/^-?\d+$/.test(value.trim())) throw new Error(`not an integer: ${JSON.stringify(value.slice(0, 40))}`);
      return Number(value);
    }
    case 'float': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw new Error(`not a number: ${JSON.stringify(value.slice(0, 40))}`);
      return n;
    }
    case 'bool': {
      if (value === 't' || value === 'true') return true;
      if (value === 'f' || value === 'false') return false;
      throw new Error(`not a boolean (t/f): ${JSON.stringify(value.slice(0, 40))}`);
    }
    case 'timestamp': {
      const match = TIMESTAMP.exec(value.trim());
      const date = match ? new Date(`${match[1]}T${match[2]}${match[3] ?? 'Z'}`) : undefined;
      if (!date || Number.isNaN(date.getTime())) throw new Error(`not a timestamp: ${JSON.stringify(value.slice(0, 40))}`);
      return date.toISOString();
    }
  }
}

/** Typed row from raw fields by header name; throws with the column named on a bad field. */
export function typedRow(table: TableName, header: readonly string[], fields: readonly string[]): Record<string, Cell> {
  const schema = SCHEMAS[table];
  const row: Record<string, Cell> = {};
  header.forEach((column, i) => {
    try {
      row[column] = parseCell(fields[i] ?? '', schema.types[column] ?? 'string');
    } catch (error) {
      throw new Error(`column ${column}: ${(error as Error).message}`);
    }
  });
  for (const column of schema.required) {
    if (row[column] == null) throw new Error(`missing ${column}`);
  }
  if (typeof row.photo_id === 'string' && !PHOTO_ID.test(row.photo_id)) throw new Error(`photo_id ${JSON.stringify(row.photo_id.slice(0, 40))} is not an id`);
  return row;
}
