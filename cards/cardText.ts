/**
 * Untrusted text (directory attributes, what a requester typed) on its way into a card: made single-line,
 * capped, and escaped so that Teams shows it literally.
 */

// C0/C1 controls (newlines included: a name must not open a fake second line or a list) become spaces.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
// Bidi embeddings, overrides and isolates can make a name read as something else ("Trojan Source").
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

// Characters the Adaptive Card markdown subset (CommonMark: emphasis, links, lists) or a Teams client may
// interpret anywhere in a line. Backslash-escaping ASCII punctuation is plain CommonMark.
const INLINE_MARKUP = /[\\`*_[\]()#<>~&]/g;
// A line that starts with "-", "+" or "1." / "1)" would become a list item.
const LIST_MARKER_AT_START = /^(\s*)(?:([-+])|(\d+)([.)]))/;
// "{{DATE(…)}}" / "{{TIME(…)}}" is a renderer function, not markdown: break the double brace.
const SECOND_OPENING_BRACE = /(?<=\{)\{/g;

/** Escapes one untrusted value so that it renders literally in a TextBlock or a Fact. */
export function escapeCardText(value: string): string {
  const singleLine = value.replace(CONTROL_CHARACTERS, ' ').replace(BIDI_CONTROLS, '');
  const escaped = singleLine.replace(INLINE_MARKUP, '\\$&').replace(SECOND_OPENING_BRACE, '\\{');
  return escaped.replace(
    LIST_MARKER_AT_START,
    (_match, indent: string, sign?: string, digits?: string, dot?: string) =>
      sign !== undefined
        ? `${indent}\\${sign}`
        : `${indent}${digits ?? ''}${dot === '.' ? '\\.' : (dot ?? '')}`,
  );
}

const ELLIPSIS = '…';
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Cuts `value` to at most `maxCodePoints` code points (ellipsis included), at a grapheme boundary so that no
 * emoji or accented letter is split. Counting code points, not graphemes, bounds the size in bytes.
 */
export function truncateText(value: string, maxCodePoints: number): string {
  if (codePointLength(value) <= maxCodePoints) return value;
  let kept = '';
  let used = 0;
  for (const { segment } of graphemes.segment(value)) {
    const length = codePointLength(segment);
    if (used + length > maxCodePoints - 1) break;
    kept += segment;
    used += length;
  }
  return kept.trimEnd() + ELLIPSIS;
}

/** Caps, then escapes (in that order, so that an escape is never cut in half). */
export function cardText(value: string, maxCodePoints: number): string {
  return escapeCardText(truncateText(value, maxCodePoints));
}

function codePointLength(value: string): number {
  return Array.from(value).length;
}

/** Caps for each kind of field: long enough for real data, short enough to keep every card small. */
export const TextLimits = {
  name: 120,
  upn: 120,
  attribute: 80,
  query: 100,
  sentence: 400,
  requestId: 80,
} as const;
