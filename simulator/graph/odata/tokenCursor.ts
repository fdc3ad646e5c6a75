import type { Token } from './lexer';
import { syntaxError, type ODataSyntaxError } from './syntaxError';

/**
 * Deepest nesting accepted: each parenthesis, `not`/`NOT` and lambda opens one level. The parser and the
 * evaluator recurse once per level, so this bounds their stack use.
 */
export const MAX_NESTING_DEPTH = 32;

/** What the `$filter` and `$search` grammars word differently in their syntax errors. */
export interface Grammar<T extends Token> {
  /** `filter` or `search`, as in "The filter is nested more than 32 levels deep". */
  readonly noun: string;
  /** The message for `token` (possibly the end) found where `expected` should have come. */
  describeUnexpected(token: T, expected: string): string;
}

/**
 * The position of a recursive-descent parser in a lexed query, and the syntax errors it raises there. The
 * token list ends with an end token, which `peek` returns for any look-ahead past it.
 */
export class TokenCursor<T extends Token> {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly T[],
    private readonly grammar: Grammar<T>,
  ) {}

  /** The token `offset` places after the current one, without moving. */
  peek(offset = 0): T {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
  }

  /** Moves past `count` tokens the caller has already looked at. */
  advance(count = 1): void {
    this.index += count;
  }

  /** Takes the current token if `test` accepts it. */
  accept<U extends T>(test: (token: T) => token is U): U | undefined;
  accept(test: (token: T) => boolean): T | undefined;
  accept(test: (token: T) => boolean): T | undefined {
    const token = this.peek();
    if (!test(token)) return undefined;
    this.index++;
    return token;
  }

  /** Takes the current token, which `test` must accept; otherwise a syntax error saying what was `expected`. */
  expect<U extends T>(test: (token: T) => token is U, expected: string): U;
  expect(test: (token: T) => boolean, expected: string): T;
  expect(test: (token: T) => boolean, expected: string): T {
    const token = this.peek();
    if (!test(token)) throw this.unexpected(token, expected);
    this.index++;
    return token;
  }

  /** Operands read by `parseOperand`, at least one, joined by tokens that `isSeparator` accepts. */
  separated<R>(isSeparator: (token: T) => boolean, parseOperand: () => R): R[] {
    const operands = [parseOperand()];
    while (this.accept(isSeparator)) operands.push(parseOperand());
    return operands;
  }

  /** Runs `parse` one nesting level deeper (the level opened at `at`), refusing past `MAX_NESTING_DEPTH`. */
  nested<R>(at: number, parse: () => R): R {
    if (++this.depth > MAX_NESTING_DEPTH) {
      throw this.error(`The ${this.grammar.noun} is nested more than ${MAX_NESTING_DEPTH} levels deep`, at);
    }
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  /** A syntax error at `at` in the text being parsed. */
  error(what: string, at: number): ODataSyntaxError {
    return syntaxError(what, at, this.text);
  }

  unexpected(token: T, expected: string): ODataSyntaxError {
    return this.error(this.grammar.describeUnexpected(token, expected), token.at);
  }
}

/** True for the end token; for `expect(isEnd, …)` after the whole query has been parsed. */
export function isEnd(token: Token): boolean {
  return token.kind === 'end';
}
