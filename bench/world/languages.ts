/**
 * The world's languages: each country's language, and a small bilingual vocabulary for the words
 * people type (topics, colors, moods, a few connectors). Tags and descriptions stay English, as on
 * Unsplash; only queries are translated. English plus the languages of Unsplash's localized slugs
 * that the world's countries speak (world-realism notes, "Languages").
 */

export const WORLD_LANGUAGES = ['en', 'de', 'fr', 'es', 'ja', 'pt', 'it'] as const;
export type WorldLanguage = (typeof WORLD_LANGUAGES)[number];

const COUNTRY_LANGUAGE: Record<string, WorldLanguage> = { DE: 'de', FR: 'fr', ES: 'es', MX: 'es', JP: 'ja', BR: 'pt', IT: 'it' };

/** The language of a country's users; English where the world has no other. */
export function languageOfCountry(code: string): WorldLanguage {
  return COUNTRY_LANGUAGE[code] ?? 'en';
}

/** One translation per topic (same order as TOPICS), per color (same order as PALETTE), per mood word and connector. */
interface Lexicon {
  topics: string[];
  colors: string[];
  moods: string[];
  /** "at" (a scene: "car at night") and "with" (a thing beside: "cat with books"). */
  at: string;
  with: string;
  /** Adjectives after the noun ("voiture rouge"). */
  colorAfter: boolean;
}

/** English query words that no tag carries: paraphrases of each topic (same order as TOPICS). */
export const PARAPHRASES: string[][] = [
  ['seaside', 'beach vacation'], ['mountains', 'mountain landscape'], ['cityscape', 'streets'], ['forest path', 'nature trees'],
  ['breakfast', 'healthy food'], ['cats', 'cute cat'], ['dogs', 'cute dog'], ['cars', 'classic car'], ['flowers', 'spring flowers'],
  ['sunrise', 'sunset sky'], ['winter landscape', 'snowy day'], ['sand dunes', 'desert landscape'], ['night sky', 'astrophotography'],
  ['coffee shop', 'morning coffee'], ['book', 'bookstore'], ['bike ride', 'bikes'], ['old building', 'historic building'],
  ['waterfalls', 'mountain stream'], ['birds flying', 'birdwatching'], ['sports', 'athlete'],
];

/** Words of mood, style or use that people add and no tag carries. */
export const MOODS_EN = ['calm', 'cozy', 'minimal', 'vintage', 'dramatic', 'moody', 'bright', 'peaceful'];

const LEXICONS: Record<Exclude<WorldLanguage, 'en'>, Lexicon> = {
  de: {
    topics: ['Strand', 'Berg', 'Stadt', 'Wald', 'Essen', 'Katze', 'Hund', 'Auto', 'Blume', 'Sonnenuntergang', 'Schnee', 'Wüste', 'Nacht', 'Kaffee', 'Bücher', 'Fahrrad', 'Architektur', 'Wasserfall', 'Vogel', 'Sport'],
    colors: ['rot', 'orange', 'gelb', 'grün', 'türkis', 'blau', 'dunkelblau', 'lila', 'rosa', 'braun', 'weiß', 'schwarz'],
    moods: ['ruhig', 'gemütlich', 'minimalistisch', 'retro', 'dramatisch', 'stimmungsvoll', 'hell', 'friedlich'],
    at: 'bei', with: 'mit', colorAfter: false,
  },
  fr: {
    topics: ['plage', 'montagne', 'ville', 'forêt', 'nourriture', 'chat', 'chien', 'voiture', 'fleur', 'coucher de soleil', 'neige', 'désert', 'nuit', 'café', 'livres', 'vélo', 'architecture', 'cascade', 'oiseau', 'sport'],
    colors: ['rouge', 'orange', 'jaune', 'vert', 'turquoise', 'bleu', 'bleu marine', 'violet', 'rose', 'marron', 'blanc', 'noir'],
    moods: ['calme', 'chaleureux', 'minimaliste', 'rétro', 'dramatique', 'sombre', 'lumineux', 'paisible'],
    at: 'la', with: 'avec', colorAfter: true,
  },
  es: {
    topics: ['playa', 'montaña', 'ciudad', 'bosque', 'comida', 'gato', 'perro', 'coche', 'flor', 'atardecer', 'nieve', 'desierto', 'noche', 'café', 'libros', 'bicicleta', 'arquitectura', 'cascada', 'pájaro', 'deporte'],
    colors: ['rojo', 'naranja', 'amarillo', 'verde', 'turquesa', 'azul', 'azul marino', 'morado', 'rosa', 'marrón', 'blanco', 'negro'],
    moods: ['tranquilo', 'acogedor', 'minimalista', 'antiguo', 'dramático', 'oscuro', 'luminoso', 'sereno'],
    at: 'de', with: 'con', colorAfter: true,
  },
  ja: {
    topics: ['ビーチ', '山', '都市', '森', '料理', '猫', '犬', '車', '花', '夕日', '雪', '砂漠', '夜', 'コーヒー', '本', '自転車', '建築', '滝', '鳥', 'スポーツ'],
    colors: ['赤', 'オレンジ', '黄色', '緑', 'ターコイズ', '青', '紺', '紫', 'ピンク', '茶色', '白', '黒'],
    moods: ['静か', '居心地', 'ミニマル', 'レトロ', 'ドラマチック', 'ムーディー', '明るい', '穏やか'],
    at: 'と', with: 'と', colorAfter: false,
  },
  pt: {
    topics: ['praia', 'montanha', 'cidade', 'floresta', 'comida', 'gato', 'cachorro', 'carro', 'flor', 'pôr do sol', 'neve', 'deserto', 'noite', 'café', 'livros', 'bicicleta', 'arquitetura', 'cachoeira', 'pássaro', 'esporte'],
    colors: ['vermelho', 'laranja', 'amarelo', 'verde', 'turquesa', 'azul', 'azul marinho', 'roxo', 'rosa', 'marrom', 'branco', 'preto'],
    moods: ['calmo', 'aconchegante', 'minimalista', 'antigo', 'dramático', 'sombrio', 'claro', 'tranquilo'],
    at: 'à', with: 'com', colorAfter: true,
  },
  it: {
    topics: ['spiaggia', 'montagna', 'città', 'foresta', 'cibo', 'gatto', 'cane', 'macchina', 'fiore', 'tramonto', 'neve', 'deserto', 'notte', 'caffè', 'libri', 'bicicletta', 'architettura', 'cascata', 'uccello', 'sport'],
    colors: ['rosso', 'arancione', 'giallo', 'verde', 'turchese', 'blu', 'blu scuro', 'viola', 'rosa', 'marrone', 'bianco', 'nero'],
    moods: ['calmo', 'accogliente', 'minimale', 'vintage', 'drammatico', 'cupo', 'luminoso', 'sereno'],
    at: 'di', with: 'con', colorAfter: true,
  },
};

/**
 * Every English tag word of the world with its translations (a topic's keywords → that topic's word,
 * a color → its color word), for training a multilingual world CLIP from translated captions, as
 * multilingual CLIP models are trained from machine-translated ones (M-CLIP, Carlsson et al. 2022).
 */
export function captionTranslations(topicKeywords: readonly (readonly string[])[], colorNames: readonly string[]): Record<string, string[]> {
  const others = WORLD_LANGUAGES.filter((l): l is Exclude<WorldLanguage, 'en'> => l !== 'en');
  const out: Record<string, string[]> = {};
  topicKeywords.forEach((words, t) => {
    for (const w of words) out[w] = others.map((l) => LEXICONS[l].topics[t]!.toLowerCase());
  });
  colorNames.forEach((name, c) => (out[name] = others.map((l) => LEXICONS[l].colors[c]!.toLowerCase())));
  return out;
}

/** The words of a language for the query composer; English topic words come from the tags' vocabulary and paraphrases instead. */
export function lexicon(language: Exclude<WorldLanguage, 'en'>): Lexicon {
  return LEXICONS[language];
}

