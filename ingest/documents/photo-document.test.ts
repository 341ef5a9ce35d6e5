import { describe, expect, it } from 'vitest';
import { contentHash, orientationOf, photoDocument, type PhotoRow } from './photo-document.ts';

const row: PhotoRow = {
  photo_id: 'XMyPniM9LF0',
  photo_url: 'https://unsplash.com/photos/XMyPniM9LF0',
  photo_image_url: 'https://images.unsplash.com/uploads/14119492946973137ce46/f1f2ebf3',
  photo_submitted_at: '2014-09-29T00:08:38.594Z',
  photo_featured: true,
  photo_width: 4272,
  photo_height: 2848,
  photo_aspect_ratio: 1.5,
  photo_description: 'Woman exploring a forest',
  photographer_username: 'michellespencer77',
  photographer_first_name: 'Michelle',
  photographer_last_name: 'Spencer',
  photo_location_latitude: 64.1,
  photo_location_longitude: -21.9,
  photo_location_country: 'Iceland',
  ai_primary_landmark_confidence: '0.8',
  stats_views: 2375421,
  stats_downloads: 6967,
};

describe('photoDocument', () => {
  it('maps the columns to the index fields, with derived orientation, name and geo point', () => {
    const doc = photoDocument(row, { keywords: [], colors: [], collections: [] });
    expect(doc).toMatchObject({
      photo_id: 'XMyPniM9LF0',
      orientation: 'landscape',
      photographer: { username: 'michellespencer77', name: 'Michelle Spencer' },
      location: { country: 'Iceland', point: { lat: 64.1, lon: -21.9 }, city: null },
      stats: { views: 2375421, downloads: 6967 },
      ai_landmark: { confidence: '0.8', point: null },
    });
  });

  it('drops impossible coordinates instead of failing the document', () => {
    const doc = photoDocument({ ...row, photo_location_latitude: 123 }, { keywords: [], colors: [], collections: [] });
    expect(doc.location.point).toBeNull();
  });

  it('buckets orientation like Unsplash', () => {
    expect(orientationOf(100, 100)).toBe('squarish');
    expect(orientationOf(110, 100)).toBe('squarish');
    expect(orientationOf(200, 100)).toBe('landscape');
    expect(orientationOf(100, 200)).toBe('portrait');
    expect(orientationOf(null, 200)).toBeNull();
  });

  it('content hash changes with the content and the vector source, not with vectors or timestamps', () => {
    const doc = photoDocument(row, { keywords: [], colors: [], collections: [] });
    const hash = contentHash(doc, 'model-a');
    expect(contentHash({ ...doc, clip: [1, 2], indexed_at: 'now' }, 'model-a')).toBe(hash);
    expect(contentHash(doc, 'model-b')).not.toBe(hash);
    expect(contentHash({ ...doc, description: 'changed' }, 'model-a')).not.toBe(hash);
  });
});
