/**
 * Untrusted text (directory attributes, what a requester typed, guidance, request ids) on its way into a card.
 *
 * Cards show such text only in `TextRun`s of a `RichTextBlock`, which take no markdown ("RichTextBlock does
 * not support markdown": Adaptive Cards, Text features), whereas Teams applies markdown to `TextBlock` text
 * and to `Fact.Title` / `Fact.Value` (Teams, Format cards). So nothing is escaped: a backslash escape would
 * be shown literally by a TextRun, and by Teams on iOS and Android even in a TextBlock (msteams-docs#5793,
 * AdaptiveCards#5590). What is left to do is cleaning and capping.
 */

// C0/C1 controls (newlines included: a name must not open a fake second line) become spaces.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
// Bidi embeddings, overrides and isolates can make a name read as something else ("Trojan Source").
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;
// "{{DATE(…)}}" / "{{TIME(…)}}" is a renderer function, evaluated in TextRuns too: an invisible word joiner
// between the braces keeps the text as it reads and stops the function from matching.
const SECOND_OPENING_BRACE = /(?<=\{)\{/g;
const WORD_JOINER = '\u2060';

/** Makes one untrusted value single-line and inert for a TextRun, without changing how it reads. */
export function cleanCardText(value: string): string {
  return value
    .replace(CONTROL_CHARACTERS, ' ')
    .replace(BIDI_CONTROLS, '')
    .replace(SECOND_OPENING_BRACE, `${WORD_JOINER}{`);
}

const ELLIPSIS = '…';
// Made on the first cut, not at start (about 10 ms of ICU loading): most text never needs one.
let graphemes: Intl.Segmenter | undefined;

/**
 * Cuts `value` to at most `maxCodePoints` code points (ellipsis included), at a grapheme boundary so that no
 * emoji or accented letter is split. Counting code points, not graphemes, bounds the size in bytes.
 */
export function truncateText(value: string, maxCodePoints: number): string {
  if (codePointLength(value) <= maxCodePoints) return value;
  let kept = '';
  let used = 0;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment } of graphemes.segment(value)) {
    const length = codePointLength(segment);
    if (used + length > maxCodePoints - 1) break;
    kept += segment;
    used += length;
  }
  return kept.trimEnd() + ELLIPSIS;
}

/** Caps, then cleans (so that a word joiner is never cut off from its braces). */
export function cardText(value: string, maxCodePoints: number): string {
  return cleanCardText(truncateText(value, maxCodePoints));
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
  ticket: 64,
} as const;
