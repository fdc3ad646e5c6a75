/**
 * What a requester types to name a user is hostile input: it is cleaned once, here, before any use case searches
 * with it or any card shows it.
 */

/** Longest search text accepted, in characters (code points). */
export const MAX_SEARCH_LENGTH = 100;

const BIDI_CONTROLS = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/g;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Cleans what a requester typed to find a user: Unicode NFC, whitespace collapsed, control and bidi-override
 * characters removed, trimmed. Returns null when nothing is left or the text is longer than
 * {@link MAX_SEARCH_LENGTH} characters.
 */
export function normalizeSearchText(input: string): string | null {
  // Typed text far beyond the limit is refused before any work is spent on it.
  if (typeof input !== 'string' || input.length > MAX_SEARCH_LENGTH * 10) {
    return null;
  }
  const cleaned = toWellFormed(input)
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .replace(CONTROL_CHARACTERS, '')
    .replace(BIDI_CONTROLS, '')
    .replace(/ {2,}/g, ' ')
    .trim();
  if (cleaned.length === 0 || [...cleaned].length > MAX_SEARCH_LENGTH) {
    return null;
  }
  return cleaned;
}

/** Drops lone UTF-16 surrogates, which no directory value holds and which make `encodeURIComponent` throw. */
export function toWellFormed(value: string): string {
  return value.replace(LONE_SURROGATES, '');
}
