import { lex, matchAt, type EndToken, type Lexeme } from './lexer';
import { syntaxError } from './syntaxError';

export type Punctuation = '(' | ')' | ',' | ':' | '/';

export interface WordToken {
  readonly kind: 'word';
  readonly text: string;
  readonly lower: string;
  readonly at: number;
}

export type FilterToken =
  | WordToken
  | { readonly kind: 'literal'; readonly value: string | number; readonly at: number }
  | { readonly kind: 'punctuation'; readonly text: Punctuation; readonly at: number }
  | EndToken;

// GUIDs are Edm.Guid literals and may appear unquoted (`skuId eq 184efa21-98c3-…`); test them before
// numbers and words, since a GUID can start with either.
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![\w-])/iy;
const NUMBER = /-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w.])/iy;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const PUNCTUATION = new Set<string>(['(', ')', ',', ':', '/']);

/** Splits a URL-decoded `$filter` value into words, literals and punctuation. */
export function lexFilter(text: string): FilterToken[] {
  return lex(text, '$filter', readFilterToken);
}

function readFilterToken(text: string, at: number): Lexeme<FilterToken> {
  const char = text[at];
  if (PUNCTUATION.has(char)) {
    return { token: { kind: 'punctuation', text: char as Punctuation, at }, end: at + 1 };
  }
  if (char === "'") {
    const literal = readStringLiteral(text, at);
    return { token: { kind: 'literal', value: literal.value, at }, end: literal.end };
  }
  const guid = matchAt(GUID, text, at);
  if (guid) return { token: { kind: 'literal', value: guid, at }, end: at + guid.length };
  const number = matchAt(NUMBER, text, at);
  if (number) return { token: { kind: 'literal', value: Number(number), at }, end: at + number.length };
  const word = matchAt(WORD, text, at);
  if (word)
    return { token: { kind: 'word', text: word, lower: word.toLowerCase(), at }, end: at + word.length };
  throw syntaxError(`Syntax error: character '${char}' is not valid`, at, text);
}

/** Reads `'…'` starting at the opening quote; `''` inside stands for one quote (OData's escape). */
function readStringLiteral(text: string, start: number): { value: string; end: number } {
  let value = '';
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf("'", from);
    if (quote < 0) throw syntaxError('There is an unterminated string literal', text.length, text);
    value += text.slice(from, quote);
    if (text[quote + 1] !== "'") return { value, end: quote + 1 };
    value += "'";
    from = quote + 2;
  }
}
