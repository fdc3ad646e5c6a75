import { compiledOnce, readProperty, startsWithIgnoringCase } from './evaluation';
import type { SearchExpression } from './searchExpression';
import { tokenize } from './searchWords';

/**
 * Graph tokenizes only these properties; "fields other than displayName and description default to $filter
 * startswith behavior" (search-query-parameter.md).
 */
const TOKENIZED_PROPERTIES = new Set(['displayname', 'description']);

/** Searched by a clause without `property:`. Graph's docs require a property; this default is our choice. */
const DEFAULT_SEARCH_PROPERTIES = ['displayName', 'mail', 'userPrincipalName', 'givenName', 'surname'];

type ValueTest = (value: string) => boolean;
type SearchPredicate = (entity: Record<string, unknown>) => boolean;

const compiledSearch = compiledOnce(compileSearch);

/** True when `entity` matches `expression`, following Graph's tokenized prefix matching on directory objects. */
export function evaluateSearch(expression: SearchExpression, entity: Record<string, unknown>): boolean {
  return compiledSearch(expression)(entity);
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
