/** The published columns of each table (Unsplash Lite 1.2.x), in order. */
export const COLUMNS = {
  photos: [
    'photo_id', 'photo_url', 'photo_image_url', 'photo_submitted_at', 'photo_featured', 'photo_width', 'photo_height',
    'photo_aspect_ratio', 'photo_description', 'photographer_username', 'photographer_first_name', 'photographer_last_name',
    'exif_camera_make', 'exif_camera_model', 'exif_iso', 'exif_aperture_value', 'exif_focal_length', 'exif_exposure_time',
    'photo_location_name', 'photo_location_latitude', 'photo_location_longitude', 'photo_location_country',
    'photo_location_city', 'stats_views', 'stats_downloads', 'ai_description', 'ai_primary_landmark_name',
    'ai_primary_landmark_latitude', 'ai_primary_landmark_longitude', 'ai_primary_landmark_confidence', 'blur_hash',
  ],
  keywords: ['photo_id', 'keyword', 'ai_service_1_confidence', 'ai_service_2_confidence', 'suggested_by_user'],
  collections: ['photo_id', 'collection_id', 'collection_title', 'photo_collected_at'],
  conversions: ['converted_at', 'conversion_type', 'keyword', 'photo_id', 'anonymous_user_id', 'conversion_country'],
  colors: ['photo_id', 'hex', 'red', 'green', 'blue', 'keyword', 'ai_coverage', 'ai_score'],
} as const;

export type WorldTable = keyof typeof COLUMNS;
