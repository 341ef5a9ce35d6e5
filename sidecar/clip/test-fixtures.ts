import { fileURLToPath } from 'node:url';

/**
 * The shared reference material (../shared/fixtures beside the checkout; CI clones it there too).
 * Read-only: tests never write into it.
 */
export const fixturesDir = fileURLToPath(new URL('../../../shared/fixtures/', import.meta.url));
export const tinyClipDir = `${fixturesDir}hf-clip-tiny`;
export const tokenizerFixtureDir = `${fixturesDir}clip-tokenizer`;
export const fixtureImages = ['landscape.jpg', 'portrait.png', 'square.webp', 'small.png', 'gray.png', 'alpha.png', 'palette.gif', 'wide.jpg'];
