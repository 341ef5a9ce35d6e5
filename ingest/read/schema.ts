export type ColumnType = 'string' | 'int' | 'float' | 'bool' | 'timestamp';
export type TableName = 'photos' | 'keywords' | 'collections' | 'conversions' | 'colors';
export type Cell = string | number | boolean | null;

export const TABLES: readonly TableName[] = ['photos', 'keywords', 'collections', 'conversions', 'colors'];

/**
 * Every column the Unsplash Lite tables have had (1.0 … 1.2.x, see the Unsplash Lite dataset documentation).
 * A file is read by its header: a known column the header lacks (an older version) is null in every
 * row; a column the header has and this list does not (a newer version) is passed through as text.
 */
const COLUMNS = {
  photos: {
    photo_id: 'string',
    photo_url: 'string',
    photo_image_url: 'string',
    photo_submitted_at: 'timestamp',
    photo_featured: 'bool',
    photo_width: 'int',
    photo_height: 'int',
    photo_aspect_ratio: 'float',
    photo_description: 'string',
    photographer_username: 'string',
    photographer_first_name: 'string',
    photographer_last_name: 'string',
    exif_camera_make: 'string',
    exif_camera_model: 'string',
    exif_iso: 'int',
    exif_aperture_value: 'string',
    exif_focal_length: 'string',
    exif_exposure_time: 'string',
    photo_location_name: 'string',
    photo_location_latitude: 'float',
    photo_location_longitude: 'float',
    photo_location_country: 'string',
    photo_location_city: 'string',
    stats_views: 'int',
    stats_downloads: 'int',
    ai_description: 'string',
    ai_primary_landmark_name: 'string',
    ai_primary_landmark_latitude: 'float',
    ai_primary_landmark_longitude: 'float',
    ai_primary_landmark_confidence: 'string',
    blur_hash: 'string',
  },
  keywords: {
    photo_id: 'string',
    keyword: 'string',
    ai_service_1_confidence: 'float',
    ai_service_2_confidence: 'float',
    suggested_by_user: 'bool',
  },
  collections: {
    photo_id: 'string',
    collection_id: 'int',
    collection_title: 'string',
    photo_collected_at: 'timestamp',
  },
  conversions: {
    converted_at: 'timestamp',
    conversion_type: 'string',
    keyword: 'string',
    photo_id: 'string',
    anonymous_user_id: 'string',
    conversion_country: 'string',
  },
  colors: {
    photo_id: 'string',
    hex: 'string',
    red: 'int',
    green: 'int',
    blue: 'int',
    keyword: 'string',
    ai_coverage: 'float',
    ai_score: 'float',
  },
} as const satisfies Record<TableName, Record<string, ColumnType>>;

/** Columns every row must have non-empty, and every part's header must name (the table's key). */
const REQUIRED = {
  photos: ['photo_id'],
  keywords: ['photo_id', 'keyword'],
  collections: ['photo_id', 'collection_id'],
  conversions: ['converted_at', 'photo_id', 'anonymous_user_id'],
  colors: ['photo_id', 'hex'],
} as const satisfies { [T in TableName]: ReadonlyArray<keyof (typeof COLUMNS)[T]> };

type Columns = typeof COLUMNS;
type Required = typeof REQUIRED;
/** Timestamps are ISO-8601 strings in UTC (see parseCell). */
type CellOf<C extends ColumnType> = C extends 'int' | 'float' ? number : C extends 'bool' ? boolean : string;

/**
 * The typed row of a table: required columns are never null, the others are null when empty or
 * absent from the file's version. Unknown columns of a newer version ride along as text.
 */
export type RowOf<T extends TableName> = {
  [K in keyof Columns[T]]: Columns[T][K] extends ColumnType
    ? K extends Required[T][number]
      ? CellOf<Columns[T][K]>
      : CellOf<Columns[T][K]> | null
    : never;
};

export type PhotosRow = RowOf<'photos'>;
export type KeywordsRow = RowOf<'keywords'>;
export type CollectionsRow = RowOf<'collections'>;
export type ConversionsRow = RowOf<'conversions'>;
export type ColorsRow = RowOf<'colors'>;

export interface TableSchema {
  /** Known columns in the order of the format's table. */
  columns: ReadonlyArray<readonly [name: string, type: ColumnType]>;
  required: readonly string[];
}

export function tableSchema(table: TableName): TableSchema {
  const columns: Record<string, ColumnType> = COLUMNS[table];
  return { columns: Object.entries(columns), required: REQUIRED[table] };
}
