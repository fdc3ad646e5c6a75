/**
 * The `$filter` and `$search` subset that the simulated tenant applies to plain JSON resources (users, role
 * assignments, groups), behaving as Microsoft Graph does on directory objects.
 *
 * Hand-written rather than built on a general OData parser (e.g. `@odata/parser`): the simulator must refuse
 * what Graph refuses, apply Graph's directory semantics (case-insensitive strings, `$search` clauses
 * `"property:text"` with word tokenization) and cap hostile input, none of which a general parser gives.
 *
 * Sources: Graph docs `concepts/filter-query-parameter.md`, `concepts/search-query-parameter.md`,
 * `concepts/aad-advanced-queries.md`, `api-reference/v1.0/api/user-list.md`.
 */

/**
 * Longest `$filter` / `$search` text accepted, in characters. Graph's longest useful filters (a 15-value
 * `in`, five `startswith` joined by `or`) stay well under 1,000 characters; 4,096 leaves room and keeps
 * lexing linear and cheap.
 */
export const MAX_QUERY_LENGTH = 4096;

/**
 * Deepest nesting accepted: each parenthesis, `not`/`NOT` and lambda opens one level. The parser and the
 * evaluator recurse once per level, so this bounds their stack use.
 */
export const MAX_NESTING_DEPTH = 32;

/** Malformed `$filter` or `$search`; the server answers 400 `BadRequest` ("Invalid filter clause" for filters). */
export class ODataSyntaxError extends Error {
  constructor(
    message: string,
    /** Zero-based offset in the query text where the problem was found, when there is one. */
    readonly position?: number,
  ) {
    super(message);
    this.name = 'ODataSyntaxError';
  }
}

// ---------------------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------------------

const EXCERPT_LENGTH = 100;

/** The query text as Graph quotes it in its error messages, shortened so that errors stay short. */
function excerpt(text: string): string {
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
}

/** Graph's (Microsoft.OData.Core's) message shape: "<what> at position <n> in '<text>'." */
function syntaxError(what: string, position: number, text: string): ODataSyntaxError {
  return new ODataSyntaxError(`${what} at position ${position} in '${excerpt(text)}'.`, position);
}

function assertAcceptableLength(text: string, parameter: string): void {
  if (text.length > MAX_QUERY_LENGTH) {
    throw new ODataSyntaxError(
      `${parameter} is longer than ${MAX_QUERY_LENGTH} characters.`,
      MAX_QUERY_LENGTH,
    );
  }
}

/**
 * Reads one property the way Graph resolves names: exact name first, then case-insensitively
 * (`$filter=AccountEnabled eq true` works on Graph). Only own properties count, so a filter on
 * `constructor` or `__proto__` never reaches the prototype.
 */
function readProperty(holder: unknown, name: string, lowerName: string): unknown {
  if (typeof holder !== 'object' || holder === null || Array.isArray(holder)) return undefined;
  const record = holder as Record<string, unknown>;
  if (Object.hasOwn(record, name)) return record[name];
  for (const key in record) {
    if (key.length === lowerName.length && key.toLowerCase() === lowerName && Object.hasOwn(record, key)) {
      return record[key];
    }
  }
  return undefined;
}

/**
 * Lower-cases only the part of `value` that can match: lower-casing never shortens a string (only 'İ' grows),
 * so the first `lowerNeedle.length` characters cover the needle. Saves lower-casing whole values 100,000 times.
 */
function startsWithIgnoringCase(value: string, lowerNeedle: string): boolean {
  return value.slice(0, lowerNeedle.length).toLowerCase().startsWith(lowerNeedle);
}

function endsWithIgnoringCase(value: string, lowerNeedle: string): boolean {
  if (lowerNeedle === '') return true;
  return value.slice(-lowerNeedle.length).toLowerCase().endsWith(lowerNeedle);
}

// ---------------------------------------------------------------------------------------------------------
// $filter: syntax tree
// ---------------------------------------------------------------------------------------------------------

/** A literal as written in the filter; GUIDs (quoted or not) are strings. */
export type FilterLiteral = string | number | boolean | null;

/**
 * A property path. Outside a lambda it starts at the resource (`variable` undefined, `segments` e.g.
 * `['displayName']`); inside `identities/any(i: i/issuer eq 'x')` it starts at the range variable
 * (`variable: 'i'`, `segments: ['issuer']`; `segments: []` for the element itself, as in `any(x: x eq 'a')`).
 */
export interface PropertyPath {
  readonly variable?: string;
  readonly segments: readonly string[];
}

export type FilterExpression =
  | { readonly kind: 'or'; readonly operands: readonly FilterExpression[] }
  | { readonly kind: 'and'; readonly operands: readonly FilterExpression[] }
  | { readonly kind: 'not'; readonly operand: FilterExpression }
  | {
      readonly kind: 'compare';
      readonly operator: 'eq' | 'ne';
      readonly property: PropertyPath;
      readonly value: FilterLiteral;
    }
  | { readonly kind: 'in'; readonly property: PropertyPath; readonly values: readonly FilterLiteral[] }
  | {
      readonly kind: 'function';
      readonly name: 'startswith' | 'endswith';
      readonly property: PropertyPath;
      readonly value: string;
    }
  | {
      readonly kind: 'any';
      readonly collection: PropertyPath;
      /** Both absent for `collection/any()`, which asks only whether the collection has an element. */
      readonly variable?: string;
      readonly predicate?: FilterExpression;
    };

// ---------------------------------------------------------------------------------------------------------
// $filter: lexer
// ---------------------------------------------------------------------------------------------------------

type Punctuation = '(' | ')' | ',' | ':' | '/';

type FilterToken =
  | { readonly kind: 'word'; readonly text: string; readonly lower: string; readonly at: number }
  | { readonly kind: 'literal'; readonly value: string | number; readonly at: number }
  | { readonly kind: 'punctuation'; readonly text: Punctuation; readonly at: number }
  | { readonly kind: 'end'; readonly at: number };

const WHITESPACE = /\s+/y;
// GUIDs are Edm.Guid literals and may appear unquoted (`skuId eq 184efa21-98c3-…`); test them before
// numbers and words, since a GUID can start with either.
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![\w-])/iy;
const NUMBER = /-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w.])/iy;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const PUNCTUATION = new Set<string>(['(', ')', ',', ':', '/']);

function matchAt(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  const match = pattern.exec(text);
  return match ? match[0] : undefined;
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

function lexFilter(text: string): FilterToken[] {
  const tokens: FilterToken[] = [];
  let at = 0;
  while (at < text.length) {
    const space = matchAt(WHITESPACE, text, at);
    if (space) {
      at += space.length;
      continue;
    }
    const char = text[at];
    if (PUNCTUATION.has(char)) {
      tokens.push({ kind: 'punctuation', text: char as Punctuation, at });
      at += 1;
      continue;
    }
    if (char === "'") {
      const literal = readStringLiteral(text, at);
      tokens.push({ kind: 'literal', value: literal.value, at });
      at = literal.end;
      continue;
    }
    const guid = matchAt(GUID, text, at);
    if (guid) {
      tokens.push({ kind: 'literal', value: guid, at });
      at += guid.length;
      continue;
    }
    const number = matchAt(NUMBER, text, at);
    if (number) {
      tokens.push({ kind: 'literal', value: Number(number), at });
      at += number.length;
      continue;
    }
    const word = matchAt(WORD, text, at);
    if (word) {
      tokens.push({ kind: 'word', text: word, lower: word.toLowerCase(), at });
      at += word.length;
      continue;
    }
    throw syntaxError(`Syntax error: character '${char}' is not valid`, at, text);
  }
  tokens.push({ kind: 'end', at: text.length });
  return tokens;
}

// ---------------------------------------------------------------------------------------------------------
// $filter: parser (recursive descent; precedence not > and > or)
// ---------------------------------------------------------------------------------------------------------

const RESERVED_WORDS = new Set(['and', 'or', 'not', 'eq', 'ne', 'in', 'true', 'false', 'null']);
const KEYWORD_LITERALS = new Map<string, FilterLiteral>([
  ['true', true],
  ['false', false],
  ['null', null],
]);
const UNSUPPORTED_OPERATORS = new Set(['gt', 'ge', 'lt', 'le', 'has', 'add', 'sub', 'mul', 'div', 'mod']);

class FilterParser {
  private index = 0;
  private depth = 0;
  /** Range variables of the lambdas being parsed, innermost last. */
  private readonly rangeVariables: string[] = [];

  constructor(
    private readonly text: string,
    private readonly tokens: readonly FilterToken[],
  ) {}

  parse(): FilterExpression {
    const expression = this.parseOr();
    const next = this.peek();
    if (next.kind !== 'end') throw this.unexpected(next, 'end of filter');
    return expression;
  }

  private parseOr(): FilterExpression {
    const operands = [this.parseAnd()];
    while (this.isWord('or')) {
      this.index++;
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? operands[0] : { kind: 'or', operands };
  }

  private parseAnd(): FilterExpression {
    const operands = [this.parseUnary()];
    while (this.isWord('and')) {
      this.index++;
      operands.push(this.parseUnary());
    }
    return operands.length === 1 ? operands[0] : { kind: 'and', operands };
  }

  /**
   * `not` binds to the next operand only, as in OData: `not displayName eq 'x'` would negate a string, which
   * Graph rejects, so it must be followed by `(…)`, a function or a lambda.
   */
  private parseUnary(): FilterExpression {
    const token = this.peek();
    if (token.kind === 'word' && token.lower === 'not') {
      this.index++;
      return this.nested(token.at, () => ({ kind: 'not', operand: this.parseNotOperand() }));
    }
    return this.parsePrimary();
  }

  private parseNotOperand(): FilterExpression {
    const start = this.peek();
    const operand = this.parseUnary();
    // A comparison reached without its own parentheses means `not` was applied to a bare property.
    if (
      start.kind === 'word' &&
      start.lower !== 'not' &&
      (operand.kind === 'compare' || operand.kind === 'in')
    ) {
      throw syntaxError(
        "'not' must be followed by a parenthesized expression, a function or a lambda",
        start.at,
        this.text,
      );
    }
    return operand;
  }

  private parsePrimary(): FilterExpression {
    const token = this.peek();
    if (token.kind === 'punctuation' && token.text === '(') {
      this.index++;
      return this.nested(token.at, () => {
        const inner = this.parseOr();
        this.expectPunctuation(')');
        return inner;
      });
    }
    if (token.kind !== 'word' || RESERVED_WORDS.has(token.lower)) {
      throw this.unexpected(token, 'a property or a function');
    }
    const after = this.tokens[this.index + 1];
    if (after.kind === 'punctuation' && after.text === '(') return this.parseFunction(token);
    return this.parsePropertyExpression();
  }

  private parseFunction(name: Extract<FilterToken, { kind: 'word' }>): FilterExpression {
    if (name.lower !== 'startswith' && name.lower !== 'endswith') {
      // Graph's own wording for e.g. `contains(displayName,'x')` on directory objects.
      throw syntaxError(`An unknown function with name '${name.text}' was found`, name.at, this.text);
    }
    this.index += 2;
    const property = this.parsePropertyPath();
    this.expectPunctuation(',');
    const value = this.parseLiteral();
    if (typeof value !== 'string') {
      throw syntaxError(`${name.text} expects a string literal`, this.tokens[this.index - 1].at, this.text);
    }
    this.expectPunctuation(')');
    return { kind: 'function', name: name.lower, property, value };
  }

  /** `path eq|ne literal`, `path in (literals)` or `path/any(…)`. */
  private parsePropertyExpression(): FilterExpression {
    const path = this.parsePropertyPath();
    const slash = this.peek();
    if (slash.kind === 'punctuation' && slash.text === '/') {
      const lambda = this.tokens[this.index + 1];
      if (lambda.kind === 'word' && lambda.lower === 'any') {
        this.index += 2;
        return this.parseAny(path, lambda.at);
      }
      if (lambda.kind === 'word' && lambda.lower === 'all') {
        throw syntaxError("The 'all' operator is not supported", lambda.at, this.text);
      }
      throw this.unexpected(lambda, "'any'");
    }
    const operator = this.peek();
    if (operator.kind === 'word' && (operator.lower === 'eq' || operator.lower === 'ne')) {
      this.index++;
      return { kind: 'compare', operator: operator.lower, property: path, value: this.parseLiteral() };
    }
    if (operator.kind === 'word' && operator.lower === 'in') {
      this.index++;
      return { kind: 'in', property: path, values: this.parseLiteralList() };
    }
    if (operator.kind === 'word' && UNSUPPORTED_OPERATORS.has(operator.lower)) {
      throw syntaxError(
        `Operator '${operator.text}' is not supported by the simulated tenant`,
        operator.at,
        this.text,
      );
    }
    throw this.unexpected(operator, "'eq', 'ne', 'in' or '/any('");
  }

  private parseAny(collection: PropertyPath, at: number): FilterExpression {
    this.expectPunctuation('(');
    const close = this.peek();
    if (close.kind === 'punctuation' && close.text === ')') {
      this.index++;
      return { kind: 'any', collection };
    }
    const variable = this.peek();
    if (variable.kind !== 'word' || RESERVED_WORDS.has(variable.lower)) {
      throw this.unexpected(variable, 'a range variable');
    }
    this.index++;
    this.expectPunctuation(':');
    return this.nested(at, () => {
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
    const first = this.expectName();
    const segments: string[] = [];
    let variable: string | undefined;
    if (this.rangeVariables.includes(first.text)) {
      variable = first.text;
    } else if (this.rangeVariables.length > 0) {
      const expected = this.rangeVariables[this.rangeVariables.length - 1];
      throw syntaxError(
        `Inside a lambda, a property must start with the range variable '${expected}'`,
        first.at,
        this.text,
      );
    } else {
      segments.push(first.text);
    }
    for (;;) {
      const slash = this.peek();
      const next = this.tokens[this.index + 1];
      if (slash.kind !== 'punctuation' || slash.text !== '/' || next.kind !== 'word') break;
      if (next.lower === 'any' || next.lower === 'all') break;
      this.index++;
      segments.push(this.expectName().text);
    }
    return variable === undefined ? { segments } : { variable, segments };
  }

  private parseLiteralList(): FilterLiteral[] {
    this.expectPunctuation('(');
    const values = [this.parseLiteral()];
    while (this.isPunctuation(',')) {
      this.index++;
      values.push(this.parseLiteral());
    }
    this.expectPunctuation(')');
    return values;
  }

  private parseLiteral(): FilterLiteral {
    const token = this.peek();
    if (token.kind === 'literal') {
      this.index++;
      return token.value;
    }
    if (token.kind === 'word' && KEYWORD_LITERALS.has(token.lower)) {
      this.index++;
      return KEYWORD_LITERALS.get(token.lower) ?? null;
    }
    throw this.unexpected(token, 'a literal value');
  }

  private expectName(): Extract<FilterToken, { kind: 'word' }> {
    const token = this.peek();
    if (token.kind !== 'word' || RESERVED_WORDS.has(token.lower)) throw this.unexpected(token, 'a property');
    this.index++;
    return token;
  }

  private expectPunctuation(text: Punctuation): void {
    const token = this.peek();
    if (token.kind !== 'punctuation' || token.text !== text) throw this.unexpected(token, `'${text}'`);
    this.index++;
  }

  private nested<T>(at: number, parse: () => T): T {
    if (++this.depth > MAX_NESTING_DEPTH) {
      throw syntaxError(`The filter is nested more than ${MAX_NESTING_DEPTH} levels deep`, at, this.text);
    }
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private peek(): FilterToken {
    return this.tokens[this.index];
  }

  private isWord(lower: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.lower === lower;
  }

  private isPunctuation(text: Punctuation): boolean {
    const token = this.peek();
    return token.kind === 'punctuation' && token.text === text;
  }

  private unexpected(token: FilterToken, expected: string): ODataSyntaxError {
    if (token.kind === 'end')
      return syntaxError(`Expected ${expected} but the filter ended`, token.at, this.text);
    const found = token.kind === 'literal' ? 'a literal' : `'${token.text}'`;
    return syntaxError(`Expected ${expected} but found ${found}`, token.at, this.text);
  }
}

/** Parses a URL-decoded `$filter` value. Throws `ODataSyntaxError` on anything Graph would refuse to parse. */
export function parseFilter(text: string): FilterExpression {
  assertAcceptableLength(text, '$filter');
  if (text.trim() === '') throw new ODataSyntaxError('The $filter value is empty.', 0);
  return new FilterParser(text, lexFilter(text)).parse();
}

/**
 * The property paths a filter reads, each once, in order of appearance, joined with `/` as written
 * (`displayName`, `identities/issuer` for `identities/any(i:i/issuer eq 'x')`, `proxyAddresses` for
 * `proxyAddresses/any(x:startswith(x,'smtp:'))`). Graph matches names case-insensitively: compare lowercased.
 */
export function filterProperties(expression: FilterExpression): string[] {
  const found = new Set<string>();
  const visit = (node: FilterExpression, variables: ReadonlyMap<string, string>): void => {
    const name = (path: PropertyPath): string => {
      const base = path.variable === undefined ? [] : [variables.get(path.variable) ?? path.variable];
      return [...base, ...path.segments].join('/');
    };
    switch (node.kind) {
      case 'or':
      case 'and':
        node.operands.forEach((operand) => visit(operand, variables));
        return;
      case 'not':
        visit(node.operand, variables);
        return;
      case 'compare':
      case 'in':
      case 'function':
        found.add(name(node.property));
        return;
      case 'any': {
        const collection = name(node.collection);
        if (node.variable === undefined || node.predicate === undefined) {
          found.add(collection);
          return;
        }
        visit(node.predicate, new Map(variables).set(node.variable, collection));
        return;
      }
    }
  };
  visit(expression, new Map());
  return [...found];
}

// ---------------------------------------------------------------------------------------------------------
// $filter: evaluation (compiled once per parsed expression into closures)
// ---------------------------------------------------------------------------------------------------------

/** `scope[i]` holds the current element of the i-th enclosing lambda. */
type Predicate = (entity: Record<string, unknown>, scope: unknown[]) => boolean;
type Accessor = (entity: Record<string, unknown>, scope: unknown[]) => unknown;

const compiledFilters = new WeakMap<FilterExpression, Predicate>();

/** True when `entity` satisfies `expression`. Strings compare case-insensitively, as on directory objects. */
export function evaluateFilter(expression: FilterExpression, entity: Record<string, unknown>): boolean {
  let predicate = compiledFilters.get(expression);
  if (predicate === undefined) {
    predicate = compileFilter(expression, []);
    compiledFilters.set(expression, predicate);
  }
  return predicate(entity, []);
}

function compileFilter(node: FilterExpression, variables: readonly string[]): Predicate {
  switch (node.kind) {
    case 'or': {
      const operands = node.operands.map((operand) => compileFilter(operand, variables));
      return (entity, scope) => {
        for (const operand of operands) if (operand(entity, scope)) return true;
        return false;
      };
    }
    case 'and': {
      const operands = node.operands.map((operand) => compileFilter(operand, variables));
      return (entity, scope) => {
        for (const operand of operands) if (!operand(entity, scope)) return false;
        return true;
      };
    }
    case 'not': {
      const operand = compileFilter(node.operand, variables);
      return (entity, scope) => !operand(entity, scope);
    }
    case 'compare': {
      const read = compileAccessor(node.property, variables);
      const equals = compileEquals(node.value);
      return node.operator === 'eq'
        ? (entity, scope) => equals(read(entity, scope))
        : (entity, scope) => !equals(read(entity, scope));
    }
    case 'in': {
      const read = compileAccessor(node.property, variables);
      const tests = node.values.map(compileEquals);
      return (entity, scope) => {
        const value = read(entity, scope);
        return tests.some((equals) => equals(value));
      };
    }
    case 'function': {
      const read = compileAccessor(node.property, variables);
      const needle = node.value.toLowerCase();
      return node.name === 'startswith'
        ? (entity, scope) => {
            const value = read(entity, scope);
            return typeof value === 'string' && startsWithIgnoringCase(value, needle);
          }
        : (entity, scope) => {
            const value = read(entity, scope);
            return typeof value === 'string' && endsWithIgnoringCase(value, needle);
          };
    }
    case 'any': {
      const read = compileAccessor(node.collection, variables);
      if (node.variable === undefined || node.predicate === undefined) {
        return (entity, scope) => {
          const collection = read(entity, scope);
          return Array.isArray(collection) && collection.length > 0;
        };
      }
      const slot = variables.length;
      const predicate = compileFilter(node.predicate, [...variables, node.variable]);
      return (entity, scope) => {
        const collection = read(entity, scope);
        if (!Array.isArray(collection)) return false;
        for (const element of collection) {
          scope[slot] = element;
          if (predicate(entity, scope)) return true;
        }
        return false;
      };
    }
  }
}

function compileAccessor(path: PropertyPath, variables: readonly string[]): Accessor {
  const slot = path.variable === undefined ? -1 : variables.lastIndexOf(path.variable);
  const steps = path.segments.map((name) => ({ name, lower: name.toLowerCase() }));
  if (slot < 0 && steps.length === 1) {
    const [{ name, lower }] = steps;
    return (entity) => readProperty(entity, name, lower);
  }
  return (entity, scope) => {
    let value: unknown = slot < 0 ? entity : scope[slot];
    for (const step of steps) value = readProperty(value, step.name, step.lower);
    return value;
  };
}

/** OData `eq`: `null` matches a missing or null property; strings ignore case; no type coercion. */
function compileEquals(literal: FilterLiteral): (value: unknown) => boolean {
  if (literal === null) return (value) => value === null || value === undefined;
  if (typeof literal === 'string') {
    const lower = literal.toLowerCase();
    return (value) => typeof value === 'string' && value.toLowerCase() === lower;
  }
  return (value) => value === literal;
}

// ---------------------------------------------------------------------------------------------------------
// $search: syntax tree, lexer, parser
// ---------------------------------------------------------------------------------------------------------

export type SearchExpression =
  | { readonly kind: 'or'; readonly operands: readonly SearchExpression[] }
  | { readonly kind: 'and'; readonly operands: readonly SearchExpression[] }
  | { readonly kind: 'not'; readonly operand: SearchExpression }
  /** One `"property:text"` clause; `property` is undefined for `"text"`, which searches the default properties. */
  | { readonly kind: 'clause'; readonly property?: string; readonly text: string };

type SearchToken =
  | { readonly kind: 'phrase'; readonly text: string; readonly at: number }
  | { readonly kind: 'operator'; readonly text: 'AND' | 'OR' | 'NOT'; readonly at: number }
  | { readonly kind: 'paren'; readonly text: '(' | ')'; readonly at: number }
  | { readonly kind: 'end'; readonly at: number };

const BARE_WORD = /[^\s()"]+/y;
const PROPERTY_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

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

/**
 * Graph wants every clause in double quotes and `AND` / `OR` in upper case outside them. An unquoted
 * `displayName:meg` draws Graph's own message ("Syntax error: character ':' is not valid at position 11 in
 * 'displayName:meg'.", observed in microsoftgraph/msgraph-sdk-javascript#525); any other unquoted word
 * (`meg`, a lower-case `and`) is refused too, with our wording in the same shape, because the docs require
 * the quotes and the OData library's bare-word search has no `property:` form.
 */
function lexSearch(text: string): SearchToken[] {
  const tokens: SearchToken[] = [];
  let at = 0;
  while (at < text.length) {
    const space = matchAt(WHITESPACE, text, at);
    if (space) {
      at += space.length;
      continue;
    }
    const char = text[at];
    if (char === '(' || char === ')') {
      tokens.push({ kind: 'paren', text: char, at });
      at += 1;
      continue;
    }
    if (char === '"') {
      const phrase = readPhrase(text, at);
      tokens.push({ kind: 'phrase', text: phrase.value, at });
      at = phrase.end;
      continue;
    }
    const word = matchAt(BARE_WORD, text, at) ?? char;
    if (word === 'AND' || word === 'OR' || word === 'NOT') {
      tokens.push({ kind: 'operator', text: word, at });
      at += word.length;
      continue;
    }
    const colon = word.indexOf(':');
    if (colon >= 0) throw syntaxError("Syntax error: character ':' is not valid", at + colon, text);
    throw syntaxError(
      `Syntax error: '${excerpt(word)}' must be in double quotes (operators AND, OR, NOT in upper case)`,
      at,
      text,
    );
  }
  tokens.push({ kind: 'end', at: text.length });
  return tokens;
}

/**
 * OData's search grammar: `NOT` > `AND` > `OR`, parentheses, and juxtaposed clauses meaning `AND`
 * (`"a" "b"`), which Graph's docs do not show but the OData ABNF defines.
 */
class SearchParser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly SearchToken[],
  ) {}

  parse(): SearchExpression {
    const expression = this.parseOr();
    const next = this.peek();
    if (next.kind !== 'end') throw this.unexpected(next);
    return expression;
  }

  private parseOr(): SearchExpression {
    const operands = [this.parseAnd()];
    while (this.isOperator('OR')) {
      this.index++;
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? operands[0] : { kind: 'or', operands };
  }

  private parseAnd(): SearchExpression {
    const operands = [this.parseUnary()];
    for (;;) {
      if (this.isOperator('AND')) this.index++;
      else if (!this.startsOperand()) break;
      operands.push(this.parseUnary());
    }
    return operands.length === 1 ? operands[0] : { kind: 'and', operands };
  }

  private parseUnary(): SearchExpression {
    const token = this.peek();
    if (token.kind === 'operator' && token.text === 'NOT') {
      this.index++;
      return this.nested(token.at, () => ({ kind: 'not', operand: this.parseUnary() }));
    }
    if (token.kind === 'paren' && token.text === '(') {
      this.index++;
      return this.nested(token.at, () => {
        const inner = this.parseOr();
        const close = this.peek();
        if (close.kind !== 'paren' || close.text !== ')') throw this.unexpected(close);
        this.index++;
        return inner;
      });
    }
    if (token.kind === 'phrase') {
      this.index++;
      return this.toClause(token);
    }
    throw this.unexpected(token);
  }

  /** `"displayName:meg"` → property `displayName`, text `meg`; a phrase without `name:` searches the defaults. */
  private toClause(token: Extract<SearchToken, { kind: 'phrase' }>): SearchExpression {
    const colon = token.text.indexOf(':');
    const name = colon > 0 ? token.text.slice(0, colon) : '';
    const property = PROPERTY_NAME.test(name) ? name : undefined;
    const text = (property === undefined ? token.text : token.text.slice(colon + 1)).trim();
    if (text === '')
      throw syntaxError('Syntax error: the search clause has no text to search', token.at, this.text);
    return property === undefined ? { kind: 'clause', text } : { kind: 'clause', property, text };
  }

  private startsOperand(): boolean {
    const token = this.peek();
    return (
      token.kind === 'phrase' ||
      (token.kind === 'paren' && token.text === '(') ||
      (token.kind === 'operator' && token.text === 'NOT')
    );
  }

  private nested<T>(at: number, parse: () => T): T {
    if (++this.depth > MAX_NESTING_DEPTH) {
      throw syntaxError(`The search is nested more than ${MAX_NESTING_DEPTH} levels deep`, at, this.text);
    }
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private peek(): SearchToken {
    return this.tokens[this.index];
  }

  private isOperator(text: 'AND' | 'OR'): boolean {
    const token = this.peek();
    return token.kind === 'operator' && token.text === text;
  }

  private unexpected(token: SearchToken): ODataSyntaxError {
    if (token.kind === 'end')
      return syntaxError('Syntax error: the search ended unexpectedly', token.at, this.text);
    const found = token.kind === 'phrase' ? 'a quoted clause' : `'${token.text}'`;
    return syntaxError(`Syntax error: unexpected ${found}`, token.at, this.text);
  }
}

/** Parses a URL-decoded `$search` value, quotes included (`"displayName:meg" OR "mail:meg"`). */
export function parseSearch(text: string): SearchExpression {
  assertAcceptableLength(text, '$search');
  if (text.trim() === '') throw new ODataSyntaxError('The $search value is empty.', 0);
  return new SearchParser(text, lexSearch(text)).parse();
}

/** The properties named in `"property:text"` clauses, each once; the server refuses those Graph cannot search. */
export function searchProperties(expression: SearchExpression): string[] {
  const found = new Set<string>();
  const visit = (node: SearchExpression): void => {
    if (node.kind === 'clause') {
      if (node.property !== undefined) found.add(node.property);
    } else if (node.kind === 'not') {
      visit(node.operand);
    } else {
      node.operands.forEach(visit);
    }
  };
  visit(expression);
  return [...found];
}

// ---------------------------------------------------------------------------------------------------------
// $search: evaluation
// ---------------------------------------------------------------------------------------------------------

/**
 * Graph tokenizes only these properties; "fields other than displayName and description default to $filter
 * startswith behavior" (search-query-parameter.md).
 */
const TOKENIZED_PROPERTIES = new Set(['displayname', 'description']);

/** Searched by a clause without `property:`. Graph's docs require a property; this default is our choice. */
const DEFAULT_SEARCH_PROPERTIES = ['displayName', 'mail', 'userPrincipalName', 'givenName', 'surname'];

type ValueTest = (value: string) => boolean;
type SearchPredicate = (entity: Record<string, unknown>) => boolean;

const compiledSearches = new WeakMap<SearchExpression, SearchPredicate>();

/** True when `entity` matches `expression`, following Graph's tokenized prefix matching on directory objects. */
export function evaluateSearch(expression: SearchExpression, entity: Record<string, unknown>): boolean {
  let predicate = compiledSearches.get(expression);
  if (predicate === undefined) {
    predicate = compileSearch(expression);
    compiledSearches.set(expression, predicate);
  }
  return predicate(entity);
}

function compileSearch(node: SearchExpression): SearchPredicate {
  switch (node.kind) {
    case 'or': {
      const operands = node.operands.map(compileSearch);
      return (entity) => operands.some((operand) => operand(entity));
    }
    case 'and': {
      const operands = node.operands.map(compileSearch);
      return (entity) => operands.every((operand) => operand(entity));
    }
    case 'not': {
      const operand = compileSearch(node.operand);
      return (entity) => !operand(entity);
    }
    case 'clause': {
      const properties = node.property === undefined ? DEFAULT_SEARCH_PROPERTIES : [node.property];
      const readers = properties.map((name) => {
        const lower = name.toLowerCase();
        const test = TOKENIZED_PROPERTIES.has(lower) ? tokenPrefixTest(node.text) : startsWithTest(node.text);
        return (entity: Record<string, unknown>) => matchesValue(readProperty(entity, name, lower), test);
      });
      return (entity) => readers.some((matches) => matches(entity));
    }
  }
}

/** A string property, or any string of a string collection (e.g. `proxyAddresses`), passes `test`. */
function matchesValue(value: unknown, test: ValueTest): boolean {
  if (typeof value === 'string') return test(value);
  if (Array.isArray(value)) return value.some((element) => typeof element === 'string' && test(element));
  return false;
}

function startsWithTest(text: string): ValueTest {
  const needle = text.toLowerCase();
  return (value) => startsWithIgnoringCase(value, needle);
}

/**
 * Every word of the searched text must begin some word of the value, in any order: "displayName:wa" matches
 * "Adele Walker" and "Wanda", "displayName:OneVideo" matches "Video One". Text with no word (only symbols)
 * falls back to startswith.
 */
function tokenPrefixTest(text: string): ValueTest {
  const searched = tokenize(text, false);
  if (searched.length === 0) return startsWithTest(text);
  return (value) => {
    const words = tokenize(value, true);
    return searched.every((term) => words.some((word) => word.startsWith(term)));
  };
}

type CharacterClass = 'space' | 'lower' | 'upper' | 'uncased' | 'digit' | 'symbol';

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;
const SPACE = /\s/u;

function classify(char: string): CharacterClass {
  const code = char.charCodeAt(0);
  if (code < 0x80) {
    if (code >= 0x61 && code <= 0x7a) return 'lower';
    if (code >= 0x41 && code <= 0x5a) return 'upper';
    if (code >= 0x30 && code <= 0x39) return 'digit';
    return code === 0x20 || (code >= 0x09 && code <= 0x0d) ? 'space' : 'symbol';
  }
  if (LETTER.test(char)) {
    const lower = char.toLowerCase();
    if (lower === char.toUpperCase()) return 'uncased';
    return char === lower ? 'lower' : 'upper';
  }
  if (DIGIT.test(char)) return 'digit';
  return SPACE.test(char) ? 'space' : 'symbol';
}

/**
 * Graph's directory search tokenization (search-query-parameter.md): words split at spaces, symbols, letter ↔
 * digit changes and lower → upper case changes (`HelloWorld` → hello, world; `HELLOworld` stays one word),
 * lower-cased. With `joinAcrossSymbols`, words separated only by symbols are also joined (`hello.world` adds
 * `helloworld`), so that searching `helloworld` finds `hello-world`. Symbols themselves are dropped rather than
 * kept as tokens: a search word is only ever matched as a prefix, so a lone symbol token would match nothing
 * useful.
 */
export function tokenize(text: string, joinAcrossSymbols: boolean): string[] {
  const words: string[] = [];
  let word = '';
  let previous: CharacterClass = 'space';
  let chunkStart = 0;
  let chunkHasSymbolGap = false;
  const endWord = (): void => {
    if (word !== '') words.push(word.toLowerCase());
    word = '';
  };
  const endChunk = (): void => {
    endWord();
    if (joinAcrossSymbols && chunkHasSymbolGap && words.length - chunkStart > 1) {
      words.push(words.slice(chunkStart).join(''));
    }
    chunkStart = words.length;
    chunkHasSymbolGap = false;
  };
  for (const char of text) {
    const kind = classify(char);
    if (kind === 'space') {
      endChunk();
    } else if (kind === 'symbol') {
      endWord();
      if (words.length > chunkStart) chunkHasSymbolGap = true;
    } else {
      const splits =
        (kind === 'digit') !== (previous === 'digit') ||
        (kind === 'uncased') !== (previous === 'uncased') ||
        (previous === 'lower' && kind === 'upper');
      if (splits) endWord();
      word += char;
    }
    previous = kind;
  }
  endChunk();
  return words;
}
