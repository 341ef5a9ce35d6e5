import { decode } from 'html-entities';

/**
 * The text clean-up of OpenAI's CLIP tokenizer (`clip/simple_tokenizer.py`): `basic_clean`
 * (`ftfy.fix_text`, `html.unescape` twice, strip), `whitespace_clean`, then lower-casing. Hugging
 * Face's tokenizer.json does only the last two, which changed 8 of the 384 reference cases
 * (entities, curly quotes, ligatures).
 *
 * The ftfy part follows ftfy 6's `fix_text` defaults step by step, repeated until nothing changes
 * as ftfy does, except `fix_encoding` (mojibake detection by re-decoding as other code pages): it
 * needs ftfy's whole heuristics and tables and no reference case has mojibake.
 */

/** ftfy `fix_latin_ligatures` (its LIGATURES table). */
const ligatures: Record<string, string> = {
  'Ĳ': 'IJ', 'ĳ': 'ij', 'ŉ': 'ʼn', 'Ǳ': 'DZ', 'ǲ': 'Dz', 'ǳ': 'dz', 'Ǆ': 'DŽ', 'ǅ': 'Dž', 'ǆ': 'dž',
  'Ǉ': 'LJ', 'ǈ': 'Lj', 'ǉ': 'lj', 'Ǌ': 'NJ', 'ǋ': 'Nj', 'ǌ': 'nj',
  'ﬀ': 'ff', 'ﬁ': 'fi', 'ﬂ': 'fl', 'ﬃ': 'ffi', 'ﬄ': 'ffl', 'ﬅ': 'ſt', 'ﬆ': 'st',
};
const ligatureRe = new RegExp(`[${Object.keys(ligatures).join('')}]`, 'gu');

/** ftfy `fix_character_width`: fullwidth forms and the ideographic space to their NFKC forms. */
const widthRe = /[\u3000\uFF01-\uFFEF]/gu;
function narrow(ch: string): string {
  return ch === '\u3000' ? ' ' : ch.normalize('NFKC');
}

/** ftfy `fix_c1_controls`: C1 controls read as the Windows-1252 characters they stand for. */
const c1Re = /[\x80-\x9f]/g;
/** Windows-1252 0x80–0x9F, the five undefined bytes kept as they are (ftfy's "sloppy" codec). Node's TextDecoder reads this label as Latin-1. */
const windows1252High = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
function c1(ch: string): string {
  return windows1252High[ch.charCodeAt(0) - 0x80]!;
}

/** ftfy `remove_terminal_escapes`. */
const terminalEscapeRe = /\x1b\[((?:\d|;)*)([a-zA-Z])/g;
/** ftfy `uncurl_quotes`. */
const singleQuoteRe = /[\u02bc\u2018-\u201b]/g;
const doubleQuoteRe = /[\u201c-\u201f]/g;
/** ftfy `fix_line_breaks`. */
const lineBreakRe = /\r\n|[\r\u2028\u2029\x85]/g;
/** ftfy `remove_control_chars` (its CONTROL_CHARS: C0 except tab/LF/FF/CR, DEL, deprecated format chars, BOM, interlinear annotations). */
const controlRe = /[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffb]/g;
/** ftfy `unescape_html`: only complete `&…;` references. */
const entityRe = /&#?[0-9A-Za-z]{1,24};/g;

function unescapeComplete(text: string): string {
  return text.replace(entityRe, (ref) => {
    const decoded = decode(ref, { level: 'html5', scope: 'strict' });
    return decoded.includes(';') ? ref : decoded;
  });
}

function fixSegment(segment: string, unescape: boolean): string {
  let text = segment;
  for (;;) {
    const before = text;
    if (unescape) text = unescapeComplete(text);
    text = text
      .replace(terminalEscapeRe, '')
      .replace(c1Re, c1)
      .replace(ligatureRe, (ch) => ligatures[ch] ?? ch)
      .replace(widthRe, narrow)
      .replace(singleQuoteRe, "'")
      .replace(doubleQuoteRe, '"')
      .replace(lineBreakRe, '\n')
      .replace(controlRe, '')
      .normalize('NFC');
    if (text === before) return text;
  }
}

/** ftfy `fix_text` with its defaults (but `fix_encoding`): line by line; HTML is unescaped until a line holds `<`. */
export function fixText(text: string): string {
  let unescape = true;
  return text
    .split('\n')
    .map((line) => {
      if (line.includes('<')) unescape = false;
      return fixSegment(line, unescape);
    })
    .join('\n');
}

/** Python's `html.unescape` (HTML5 rules, legacy references without `;` included). */
function htmlUnescape(text: string): string {
  return text.includes('&') ? decode(text, { level: 'html5', scope: 'body' }) : text;
}

/**
 * `whitespace_clean(basic_clean(text)).lower()` of OpenAI's tokenizer. JavaScript's `\s` differs
 * from Python's only on U+001C–U+001F, U+0085 and U+FEFF, which `fixText` has already removed or
 * turned into line breaks.
 */
export function cleanClipText(text: string): string {
  const basic = htmlUnescape(htmlUnescape(fixText(text))).trim();
  return basic.replace(/\s+/g, ' ').trim().toLowerCase();
}
