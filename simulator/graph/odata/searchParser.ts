import type { SearchExpression } from './searchExpression';
import { lexSearch, type PhraseToken, type SearchToken } from './searchLexer';
import { isEnd, TokenCursor, type Grammar } from './tokenCursor';

const PROPERTY_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Unlike the filter's, these messages name only what was found, not what was expected. */
const searchGrammar: Grammar<SearchToken> = {
  noun: 'search',
  describeUnexpected(token) {
    if (token.kind === 'end') return 'Syntax error: the search ended unexpectedly';
    const found = token.kind === 'phrase' ? 'a quoted clause' : `'${token.text}'`;
    return `Syntax error: unexpected ${found}`;
  },
};

/** Parses a URL-decoded `$search` value, quotes included (`"displayName:meg" OR "mail:meg"`). */
export function parseSearch(text: string): SearchExpression {
  return new SearchParser(new TokenCursor(text, lexSearch(text), searchGrammar)).parse();
}

/**
 * OData's search grammar: `NOT` > `AND` > `OR`, parentheses, and juxtaposed clauses meaning `AND`
 * (`"a" "b"`), which Graph's docs do not show but the OData ABNF defines.
 */
class SearchParser {
  constructor(private readonly cursor: TokenCursor<SearchToken>) {}

  parse(): SearchExpression {
    const expression = this.parseOr();
    this.cursor.expect(isEnd, 'end of search');
    return expression;
  }

  private parseOr(): SearchExpression {
    const operands = this.cursor.separated(isOperator('OR'), () => this.parseAnd());
    return operands.length === 1 ? operands[0] : { kind: 'or', operands };
  }

  private parseAnd(): SearchExpression {
    const operands = [this.parseUnary()];
    while (this.cursor.accept(isOperator('AND')) || startsOperand(this.cursor.peek())) {
      operands.push(this.parseUnary());
    }
    return operands.length === 1 ? operands[0] : { kind: 'and', operands };
  }

  private parseUnary(): SearchExpression {
    const not = this.cursor.accept(isOperator('NOT'));
    if (not) return this.cursor.nested(not.at, () => ({ kind: 'not', operand: this.parseUnary() }));
    const open = this.cursor.accept(isParen('('));
    if (open) {
      return this.cursor.nested(open.at, () => {
        const inner = this.parseOr();
        this.cursor.expect(isParen(')'), "')'");
        return inner;
      });
    }
    return this.toClause(this.cursor.expect(isPhrase, 'a quoted clause'));
  }

  /** `"displayName:meg"` → property `displayName`, text `meg`; a phrase without `name:` searches the defaults. */
  private toClause(token: PhraseToken): SearchExpression {
    const colon = token.text.indexOf(':');
    const name = colon > 0 ? token.text.slice(0, colon) : '';
    const property = PROPERTY_NAME.test(name) ? name : undefined;
    const text = (property === undefined ? token.text : token.text.slice(colon + 1)).trim();
    if (text === '')
      throw this.cursor.error('Syntax error: the search clause has no text to search', token.at);
    return property === undefined ? { kind: 'clause', text } : { kind: 'clause', property, text };
  }
}

/** Whether `token` can begin an operand, which then joins the one before it with an implicit `AND`. */
function startsOperand(token: SearchToken): boolean {
  return isPhrase(token) || isParen('(')(token) || isOperator('NOT')(token);
}

function isPhrase(token: SearchToken): token is PhraseToken {
  return token.kind === 'phrase';
}

function isOperator(text: 'AND' | 'OR' | 'NOT'): (token: SearchToken) => boolean {
  return (token) => token.kind === 'operator' && token.text === text;
}

function isParen(text: '(' | ')'): (token: SearchToken) => boolean {
  return (token) => token.kind === 'paren' && token.text === text;
}
