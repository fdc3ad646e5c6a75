import { ODataSyntaxError } from './syntaxError';

/**
 * Longest `$filter` / `$search` text accepted, in characters. Graph's longest useful filters (a 15-value
 * `in`, five `startswith` joined by `or`) stay well under 1,000 characters; 4,096 leaves room and keeps
 * lexing linear and cheap.
 */
export const MAX_QUERY_LENGTH = 4096;

/** Every token knows where it starts, so that a syntax error can name the position. */
export interface Token {
  readonly kind: string;
  readonly at: number;
}

/** The last token of every list, so that a parser looking ahead never runs off the end. */
export interface EndToken extends Token {
  readonly kind: 'end';
}

/** A token read at some position, and where the text after it starts. */
export interface Lexeme<T extends Token> {
  readonly token: T;
  readonly end: number;
}

/** Reads the one token that starts at `at` (never white space), or throws the syntax error for it. */
export type TokenReader<T extends Token> = (text: string, at: number) => Lexeme<T>;

const WHITESPACE = /\s+/y;

/**
 * Splits a `$filter` or `$search` value into tokens, skipping white space between them. The length and
 * emptiness checks come first so that hostile input is refused before any work proportional to it.
 */
export function lex<T extends Token>(
  text: string,
  parameter: '$filter' | '$search',
  readToken: TokenReader<T>,
): (T | EndToken)[] {
  if (text.length > MAX_QUERY_LENGTH) {
    throw new ODataSyntaxError(
      `${parameter} is longer than ${MAX_QUERY_LENGTH} characters.`,
      MAX_QUERY_LENGTH,
    );
  }
  if (text.trim() === '') throw new ODataSyntaxError(`The ${parameter} value is empty.`, 0);
  const tokens: (T | EndToken)[] = [];
  let at = 0;
  while (at < text.length) {
    const space = matchAt(WHITESPACE, text, at);
    if (space) {
      at += space.length;
      continue;
    }
    const { token, end } = readToken(text, at);
    tokens.push(token);
    at = end;
  }
  tokens.push({ kind: 'end', at: text.length });
  return tokens;
}

/** What a sticky (`y`) pattern matches exactly at `at`. */
export function matchAt(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  const match = pattern.exec(text);
  return match ? match[0] : undefined;
}
