import { compiledOnce, endsWithIgnoringCase, readProperty, startsWithIgnoringCase } from './evaluation';
import type { FilterExpression, FilterLiteral, PropertyPath } from './filterExpression';

/** `scope[i]` holds the current element of the i-th enclosing lambda. */
type Predicate = (entity: Record<string, unknown>, scope: unknown[]) => boolean;
type Accessor = (entity: Record<string, unknown>, scope: unknown[]) => unknown;

const compiledFilter = compiledOnce((expression: FilterExpression) => compileFilter(expression, []));

/** True when `entity` satisfies `expression`. Strings compare case-insensitively, as on directory objects. */
export function evaluateFilter(expression: FilterExpression, entity: Record<string, unknown>): boolean {
  return compiledFilter(expression)(entity, []);
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
