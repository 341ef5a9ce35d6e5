import { fileURLToPath } from 'node:url';

/**
 * Reference material the CLIP tests compare against, kept in the repository (test/fixtures/README.md
 * says how each file was made, always by the reference libraries, never by this project's code).
 * Read-only: tests never write into it.
 */
export const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** A tiny random-weight Hugging Face CLIP, its ONNX export and transformers' outputs for it. */
export const tinyClipDir = `${fixturesDir}hf-clip-tiny`;
/** Tokenizations of many strings by OpenAI's and transformers' CLIP tokenizers, and the BPE files. */
export const tokenizerFixtureDir = `${fixturesDir}clip-tokenizer`;
export const fixtureImages = ['landscape.jpg', 'portrait.png', 'square.webp', 'small.png', 'gray.png', 'alpha.png', 'palette.gif', 'wide.jpg'];
