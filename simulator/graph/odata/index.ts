/**
 * The `$filter` and `$search` subset that the simulated tenant applies to plain JSON resources (users, role
 * assignments, groups), behaving as Microsoft Graph does on directory objects.
 *
 * Hand-written rather than built on a general OData parser (e.g. `@odata/parser`): the simulator must refuse
 * what Graph refuses, apply Graph's directory semantics (case-insensitive strings, `$search` clauses
 * `"property:text"` with word tokenization) and cap hostile input, none of which a general parser gives.
 *
 * Each language goes lexer → parser → evaluator; both share `lex` (white space, length cap), `TokenCursor`
 * (look-ahead, syntax errors with positions, depth cap) and the property reading of `evaluation.ts`.
 *
 * Sources: Graph docs `concepts/filter-query-parameter.md`, `concepts/search-query-parameter.md`,
 * `concepts/aad-advanced-queries.md`, `api-reference/v1.0/api/user-list.md`.
 */

export { MAX_QUERY_LENGTH } from './lexer';
export { MAX_NESTING_DEPTH } from './tokenCursor';
export { ODataSyntaxError } from './syntaxError';

export {
  filterProperties,
  type FilterExpression,
  type FilterLiteral,
  type PropertyPath,
} from './filterExpression';
export { parseFilter } from './filterParser';
export { evaluateFilter } from './filterEvaluator';

export { searchProperties, type SearchExpression } from './searchExpression';
export { parseSearch } from './searchParser';
export { evaluateSearch } from './searchEvaluator';
export { tokenize } from './searchWords';
