/**
 * Reads one property the way Graph resolves names: exact name first, then case-insensitively
 * (`$filter=AccountEnabled eq true` works on Graph). Only own properties count, so a filter on
 * `constructor` or `__proto__` never reaches the prototype.
 */
export function readProperty(holder: unknown, name: string, lowerName: string): unknown {
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
export function startsWithIgnoringCase(value: string, lowerNeedle: string): boolean {
  return value.slice(0, lowerNeedle.length).toLowerCase().startsWith(lowerNeedle);
}

export function endsWithIgnoringCase(value: string, lowerNeedle: string): boolean {
  if (lowerNeedle === '') return true;
  return value.slice(-lowerNeedle.length).toLowerCase().endsWith(lowerNeedle);
}

/**
 * `compile` memoized per parsed expression: one query is evaluated against every user of the tenant
 * (100,000 in the scale test), and compiling it into closures once keeps that a plain function call.
 */
export function compiledOnce<E extends object, P>(compile: (expression: E) => P): (expression: E) => P {
  const compiled = new WeakMap<E, P>();
  return (expression) => {
    let predicate = compiled.get(expression);
    if (predicate === undefined) {
      predicate = compile(expression);
      compiled.set(expression, predicate);
    }
    return predicate;
  };
}
