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
