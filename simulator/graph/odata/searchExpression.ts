export type SearchExpression =
  | { readonly kind: 'or'; readonly operands: readonly SearchExpression[] }
  | { readonly kind: 'and'; readonly operands: readonly SearchExpression[] }
  | { readonly kind: 'not'; readonly operand: SearchExpression }
  /** One `"property:text"` clause; `property` is undefined for `"text"`, which searches the default properties. */
  | { readonly kind: 'clause'; readonly property?: string; readonly text: string };

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
