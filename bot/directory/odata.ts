/**
 * Building Graph queries from what people typed. The Graph JS SDK copies query values into the URL as they
 * are (no URL encoding), so every value built here is encoded before it reaches the SDK: a typed name can
 * then never end the `$filter`, add a parameter (`&`, `#`), or change the host (`https://` in a path).
 */

/** Longest search text accepted, in characters (code points). */
export const MAX_SEARCH_LENGTH = 100;

/** An OData string literal's content: a single quote is escaped by doubling it (`O'Brien` → `O''Brien`). */
export function escapeODataString(value: string): string {
  return value.replace(/'/g, "''");
}

/** A quoted OData string literal. */
export function odataString(value: string): string {
  return `'${escapeODataString(value)}'`;
}

/** `startswith(property,'value')` with the value escaped. */
export function startsWith(property: string, value: string): string {
  return `startswith(${property},${odataString(value)})`;
}

/** `property eq 'value'` with the value escaped. */
export function equals(property: string, value: string): string {
  return `${property} eq ${odataString(value)}`;
}

/**
 * Encodes a whole query value (a `$filter` expression) for the URL. Everything outside the unreserved set is
 * percent-encoded, including `&`, `=`, `#`, `+`, `%`, `?` and `/`.
 */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(toWellFormed(value));
}

/** Encodes one path segment (an object id or a user principal name such as `a_b.com#EXT#@contoso.com`). */
export function encodePathSegment(value: string): string {
  return encodeURIComponent(toWellFormed(value));
}

const BIDI_CONTROLS = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/g;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Cleans what an agent typed to find a user: Unicode NFC, whitespace collapsed, control and bidi-override
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

/** A lone UTF-16 surrogate would make `encodeURIComponent` throw; drop it instead. */
function toWellFormed(value: string): string {
  return value.replace(LONE_SURROGATES, '');
}
