/** The planted structure of a generated world: topics with synonyms, a palette, countries. */

export interface Topic {
  name: string;
  /** Keywords a photo of this topic gets; the first is the topic's own word, the rest synonyms. */
  keywords: string[];
}

export const TOPICS: Topic[] = [
  { name: 'beach', keywords: ['beach', 'ocean', 'sea', 'shore', 'coast', 'waves'] },
  { name: 'mountain', keywords: ['mountain', 'peak', 'summit', 'alps', 'ridge', 'hiking'] },
  { name: 'city', keywords: ['city', 'skyline', 'urban', 'downtown', 'skyscraper', 'buildings'] },
  { name: 'forest', keywords: ['forest', 'woods', 'trees', 'woodland', 'pine', 'jungle'] },
  { name: 'food', keywords: ['food', 'meal', 'dish', 'plate', 'dinner', 'cuisine'] },
  { name: 'cat', keywords: ['cat', 'kitten', 'kitty', 'feline', 'pet cat', 'whiskers'] },
  { name: 'dog', keywords: ['dog', 'puppy', 'pup', 'canine', 'doggy', 'hound'] },
  { name: 'car', keywords: ['car', 'vehicle', 'automobile', 'sports car', 'road trip', 'wheels'] },
  { name: 'flower', keywords: ['flower', 'blossom', 'bloom', 'petals', 'floral', 'garden'] },
  { name: 'sunset', keywords: ['sunset', 'dusk', 'golden hour', 'sundown', 'evening sky', 'twilight'] },
  { name: 'snow', keywords: ['snow', 'winter', 'snowfall', 'frost', 'ice', 'snowy'] },
  { name: 'desert', keywords: ['desert', 'dunes', 'sand', 'sahara', 'arid', 'dune'] },
  { name: 'night', keywords: ['night', 'stars', 'starry sky', 'moon', 'galaxy', 'milky way'] },
  { name: 'coffee', keywords: ['coffee', 'espresso', 'latte', 'cafe', 'cappuccino', 'coffee cup'] },
  { name: 'books', keywords: ['books', 'library', 'reading', 'bookshelf', 'novel', 'literature'] },
  { name: 'bicycle', keywords: ['bicycle', 'bike', 'cycling', 'cyclist', 'bmx', 'road bike'] },
  { name: 'architecture', keywords: ['architecture', 'arches', 'columns', 'cathedral', 'facade', 'building detail'] },
  { name: 'waterfall', keywords: ['waterfall', 'cascade', 'falls', 'stream', 'river', 'rapids'] },
  { name: 'bird', keywords: ['bird', 'birds', 'flock', 'seagull', 'wildlife', 'flying birds'] },
  { name: 'sport', keywords: ['sport', 'ball', 'football', 'soccer', 'stadium', 'game'] },
];

export interface PaletteColor {
  name: string;
  hex: string;
}

/** CSS color names, far enough apart that a model can tell them from pixels. */
export const PALETTE: PaletteColor[] = [
  { name: 'red', hex: 'd62828' },
  { name: 'orange', hex: 'f77f00' },
  { name: 'yellow', hex: 'fcbf49' },
  { name: 'green', hex: '2a9d3f' },
  { name: 'teal', hex: '1b998b' },
  { name: 'blue', hex: '1d4ed8' },
  { name: 'navy', hex: '14213d' },
  { name: 'purple', hex: '7b2cbf' },
  { name: 'pink', hex: 'f15bb5' },
  { name: 'brown', hex: '7f4f24' },
  { name: 'white', hex: 'f1f1f1' },
  { name: 'black', hex: '111111' },
];

export interface Country {
  code: string;
  name: string;
  lat: number;
  lon: number;
  city: string;
}

export const COUNTRIES: Country[] = [
  { code: 'US', name: 'United States', lat: 40.7, lon: -74.0, city: 'New York' },
  { code: 'GB', name: 'United Kingdom', lat: 51.5, lon: -0.1, city: 'London' },
  { code: 'DE', name: 'Germany', lat: 52.5, lon: 13.4, city: 'Berlin' },
  { code: 'FR', name: 'France', lat: 48.9, lon: 2.4, city: 'Paris' },
  { code: 'IT', name: 'Italy', lat: 41.9, lon: 12.5, city: 'Rome' },
  { code: 'ES', name: 'Spain', lat: 40.4, lon: -3.7, city: 'Madrid' },
  { code: 'JP', name: 'Japan', lat: 35.7, lon: 139.7, city: 'Tokyo' },
  { code: 'IN', name: 'India', lat: 28.6, lon: 77.2, city: 'New Delhi' },
  { code: 'BR', name: 'Brazil', lat: -22.9, lon: -43.2, city: 'Rio de Janeiro' },
  { code: 'CA', name: 'Canada', lat: 43.7, lon: -79.4, city: 'Toronto' },
  { code: 'AU', name: 'Australia', lat: -33.9, lon: 151.2, city: 'Sydney' },
  { code: 'IS', name: 'Iceland', lat: 64.1, lon: -21.9, city: 'Reykjavik' },
  { code: 'MX', name: 'Mexico', lat: 19.4, lon: -99.1, city: 'Mexico City' },
  { code: 'ZA', name: 'South Africa', lat: -33.9, lon: 18.4, city: 'Cape Town' },
  { code: 'NO', name: 'Norway', lat: 59.9, lon: 10.8, city: 'Oslo' },
];

/** Words that appear on photos without meaning anything about them (noise keywords). */
export const NOISE_KEYWORDS = ['outdoors', 'nature', 'photo', 'wallpaper', 'background', 'hd wallpaper', 'aesthetic', 'travel', 'daylight', 'texture'];
