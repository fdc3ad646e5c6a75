import { lex, matchAt, type EndToken, type Lexeme } from './lexer';
import { excerpt, syntaxError } from './syntaxError';

export interface PhraseToken {
  readonly kind: 'phrase';
  readonly text: string;
  readonly at: number;
}

export type SearchToken =
  | PhraseToken
  | { readonly kind: 'operator'; readonly text: 'AND' | 'OR' | 'NOT'; readonly at: number }
  | { readonly kind: 'paren'; readonly text: '(' | ')'; readonly at: number }
  | EndToken;

const BARE_WORD = /[^\s()"]+/y;

/**
 * Splits a URL-decoded `$search` value into quoted phrases, operators and parentheses.
 *
 * Graph wants every clause in double quotes and `AND` / `OR` in upper case outside them. An unquoted
 * `displayName:meg` draws Graph's own message ("Syntax error: character ':' is not valid at position 11 in
 * 'displayName:meg'.", observed in microsoftgraph/msgraph-sdk-javascript#525); any other unquoted word
 * (`meg`, a lower-case `and`) is refused too, with our wording in the same shape, because the docs require
 * the quotes and the OData library's bare-word search has no `property:` form.
 */
export function lexSearch(text: string): SearchToken[] {
  return lex(text, '$search', readSearchToken);
}

function readSearchToken(text: string, at: number): Lexeme<SearchToken> {
  const char = text[at];
  if (char === '(' || char === ')') return { token: { kind: 'paren', text: char, at }, end: at + 1 };
  if (char === '"') {
    const phrase = readPhrase(text, at);
    return { token: { kind: 'phrase', text: phrase.value, at }, end: phrase.end };
  }
  const word = matchAt(BARE_WORD, text, at) ?? char;
  if (word === 'AND' || word === 'OR' || word === 'NOT') {
    return { token: { kind: 'operator', text: word, at }, end: at + word.length };
  }
  const colon = word.indexOf(':');
  if (colon >= 0) throw syntaxError("Syntax error: character ':' is not valid", at + colon, text);
  throw syntaxError(
    `Syntax error: '${excerpt(word)}' must be in double quotes (operators AND, OR, NOT in upper case)`,
    at,
    text,
  );
}

/**
 * Reads `"…"` starting at the opening quote. Graph: "If it contains double quotes or backslash, it should be
 * escaped with a backslash"; any other escape is refused.
 */
function readPhrase(text: string, start: number): { value: string; end: number } {
  let value = '';
  for (let at = start + 1; at < text.length; at++) {
    const char = text[at];
    if (char === '"') return { value, end: at + 1 };
    if (char === '\\') {
      const escaped = text[at + 1];
      if (escaped !== '"' && escaped !== '\\')
        throw syntaxError('Syntax error: invalid escape sequence', at, text);
      value += escaped;
      at++;
    } else {
      value += char;
    }
  }
  throw syntaxError('There is an unterminated string literal', text.length, text);
}
