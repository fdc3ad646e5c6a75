import type { FilterExpression, FilterLiteral, PropertyPath } from './filterExpression';
import { lexFilter, type FilterToken, type Punctuation, type WordToken } from './filterLexer';
import { isEnd, TokenCursor, type Grammar } from './tokenCursor';

const RESERVED_WORDS = new Set(['and', 'or', 'not', 'eq', 'ne', 'in', 'true', 'false', 'null']);
const KEYWORD_LITERALS = new Map<string, FilterLiteral>([
  ['true', true],
  ['false', false],
  ['null', null],
]);
const UNSUPPORTED_OPERATORS = new Set(['gt', 'ge', 'lt', 'le', 'has', 'add', 'sub', 'mul', 'div', 'mod']);

const filterGrammar: Grammar<FilterToken> = {
  noun: 'filter',
  describeUnexpected(token, expected) {
    if (token.kind === 'end') return `Expected ${expected} but the filter ended`;
    const found = token.kind === 'literal' ? 'a literal' : `'${token.text}'`;
    return `Expected ${expected} but found ${found}`;
  },
};

/** Parses a URL-decoded `$filter` value. Throws `ODataSyntaxError` on anything Graph would refuse to parse. */
export function parseFilter(text: string): FilterExpression {
  return new FilterParser(new TokenCursor(text, lexFilter(text), filterGrammar)).parse();
}

/** Recursive descent; precedence not > and > or. */
class FilterParser {
  /** Range variables of the lambdas being parsed, innermost last. */
  private readonly rangeVariables: string[] = [];

  constructor(private readonly cursor: TokenCursor<FilterToken>) {}

  parse(): FilterExpression {
    const expression = this.parseOr();
    this.cursor.expect(isEnd, 'end of filter');
    return expression;
  }

  private parseOr(): FilterExpression {
    const operands = this.cursor.separated(isWord('or'), () => this.parseAnd());
    return operands.length === 1 ? operands[0] : { kind: 'or', operands };
  }

  private parseAnd(): FilterExpression {
    const operands = this.cursor.separated(isWord('and'), () => this.parseUnary());
    return operands.length === 1 ? operands[0] : { kind: 'and', operands };
  }

  /**
   * `not` binds to the next operand only, as in OData: `not displayName eq 'x'` would negate a string, which
   * Graph rejects, so it must be followed by `(…)`, a function or a lambda.
   */
  private parseUnary(): FilterExpression {
    const not = this.cursor.accept(isWord('not'));
    if (not) return this.cursor.nested(not.at, () => ({ kind: 'not', operand: this.parseNotOperand() }));
    return this.parsePrimary();
  }

  private parseNotOperand(): FilterExpression {
    const start = this.cursor.peek();
    const operand = this.parseUnary();
    // A comparison reached without its own parentheses means `not` was applied to a bare property.
    if (
      start.kind === 'word' &&
      start.lower !== 'not' &&
      (operand.kind === 'compare' || operand.kind === 'in')
    ) {
      throw this.cursor.error(
        "'not' must be followed by a parenthesized expression, a function or a lambda",
        start.at,
      );
    }
    return operand;
  }

  private parsePrimary(): FilterExpression {
    const open = this.cursor.accept(isPunctuation('('));
    if (open) {
      return this.cursor.nested(open.at, () => {
        const inner = this.parseOr();
        this.expectPunctuation(')');
        return inner;
      });
    }
    const token = this.cursor.peek();
    if (!isName(token)) throw this.cursor.unexpected(token, 'a property or a function');
    if (isPunctuation('(')(this.cursor.peek(1))) return this.parseFunction(token);
    return this.parsePropertyExpression();
  }

  private parseFunction(name: WordToken): FilterExpression {
    if (name.lower !== 'startswith' && name.lower !== 'endswith') {
      // Graph's own wording for e.g. `contains(displayName,'x')` on directory objects.
      throw this.cursor.error(`An unknown function with name '${name.text}' was found`, name.at);
    }
    this.cursor.advance(2);
    const property = this.parsePropertyPath();
    this.expectPunctuation(',');
    const valueAt = this.cursor.peek().at;
    const value = this.parseLiteral();
    if (typeof value !== 'string') throw this.cursor.error(`${name.text} expects a string literal`, valueAt);
    this.expectPunctuation(')');
    return { kind: 'function', name: name.lower, property, value };
  }

  /** `path eq|ne literal`, `path in (literals)` or `path/any(…)`. */
  private parsePropertyExpression(): FilterExpression {
    const path = this.parsePropertyPath();
    if (isPunctuation('/')(this.cursor.peek())) {
      const lambda = this.cursor.peek(1);
      if (isWord('any')(lambda)) {
        this.cursor.advance(2);
        return this.parseAny(path, lambda.at);
      }
      if (isWord('all')(lambda)) throw this.cursor.error("The 'all' operator is not supported", lambda.at);
      throw this.cursor.unexpected(lambda, "'any'");
    }
    const operator = this.cursor.peek();
    if (operator.kind === 'word' && (operator.lower === 'eq' || operator.lower === 'ne')) {
      this.cursor.advance();
      return { kind: 'compare', operator: operator.lower, property: path, value: this.parseLiteral() };
    }
    if (isWord('in')(operator)) {
      this.cursor.advance();
      return { kind: 'in', property: path, values: this.parseLiteralList() };
    }
    if (operator.kind === 'word' && UNSUPPORTED_OPERATORS.has(operator.lower)) {
      throw this.cursor.error(
        `Operator '${operator.text}' is not supported by the simulated tenant`,
        operator.at,
      );
    }
    throw this.cursor.unexpected(operator, "'eq', 'ne', 'in' or '/any('");
  }

  private parseAny(collection: PropertyPath, at: number): FilterExpression {
    this.expectPunctuation('(');
    if (this.cursor.accept(isPunctuation(')'))) return { kind: 'any', collection };
    const variable = this.cursor.expect(isName, 'a range variable');
    this.expectPunctuation(':');
    return this.cursor.nested(at, () => {
      this.rangeVariables.push(variable.text);
      try {
        const predicate = this.parseOr();
        this.expectPunctuation(')');
        return { kind: 'any', collection, variable: variable.text, predicate };
      } finally {
        this.rangeVariables.pop();
      }
    });
  }

  /** `name(/name)*`, stopping before `/any` or `/all`; inside a lambda it must start with a range variable. */
  private parsePropertyPath(): PropertyPath {
    const first = this.cursor.expect(isName, 'a property');
    const segments: string[] = [];
    let variable: string | undefined;
    if (this.rangeVariables.includes(first.text)) {
      variable = first.text;
    } else if (this.rangeVariables.length > 0) {
      const expected = this.rangeVariables[this.rangeVariables.length - 1];
      throw this.cursor.error(
        `Inside a lambda, a property must start with the range variable '${expected}'`,
        first.at,
      );
    } else {
      segments.push(first.text);
    }
    for (;;) {
      const next = this.cursor.peek(1);
      if (!isPunctuation('/')(this.cursor.peek()) || next.kind !== 'word') break;
      if (next.lower === 'any' || next.lower === 'all') break;
      this.cursor.advance();
      segments.push(this.cursor.expect(isName, 'a property').text);
    }
    return variable === undefined ? { segments } : { variable, segments };
  }

  private parseLiteralList(): FilterLiteral[] {
    this.expectPunctuation('(');
    const values = this.cursor.separated(isPunctuation(','), () => this.parseLiteral());
    this.expectPunctuation(')');
    return values;
  }

  private parseLiteral(): FilterLiteral {
    const token = this.cursor.peek();
    if (token.kind === 'literal') {
      this.cursor.advance();
      return token.value;
    }
    if (token.kind === 'word' && KEYWORD_LITERALS.has(token.lower)) {
      this.cursor.advance();
      return KEYWORD_LITERALS.get(token.lower) ?? null;
    }
    throw this.cursor.unexpected(token, 'a literal value');
  }

  private expectPunctuation(text: Punctuation): void {
    this.cursor.expect(isPunctuation(text), `'${text}'`);
  }
}

/** A word that can name a property, a function or a range variable: not a keyword. */
function isName(token: FilterToken): token is WordToken {
  return token.kind === 'word' && !RESERVED_WORDS.has(token.lower);
}

function isWord(lower: string): (token: FilterToken) => boolean {
  return (token) => token.kind === 'word' && token.lower === lower;
}

function isPunctuation(text: Punctuation): (token: FilterToken) => boolean {
  return (token) => token.kind === 'punctuation' && token.text === text;
}
