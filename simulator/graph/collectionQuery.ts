import {
  evaluateFilter,
  filterProperties,
  ODataSyntaxError,
  parseFilter,
  type FilterExpression,
} from './odata';
import { badRequest, graphError, GraphErrorResponse } from './graphErrors';
import { isAdvancedQuery, type GraphCall } from './graphCall';

/**
 * `$select`: the requested properties in their canonical spelling (Graph matches names case-insensitively),
 * or null when absent. Unknown names answer 400 as Graph does.
 */
export function parseSelect(call: GraphCall, known: readonly string[], typeName: string): string[] | null {
  const text = call.request.query.get('$select');
  if (text === null) return null;
  const canonical = new Map(known.map((name) => [name.toLowerCase(), name]));
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((name) => {
      const found = canonical.get(name.toLowerCase());
      if (!found) {
        throw new GraphErrorResponse(
          badRequest(call.request, `Could not find a property named '${name}' on type '${typeName}'.`),
        );
      }
      return found;
    });
}

/** The entity trimmed to `select` (or to `defaults` when nothing was selected). */
export function project(
  entity: Record<string, unknown>,
  select: string[] | null,
  defaults: readonly string[],
): Record<string, unknown> {
  const names = select ?? defaults;
  const out: Record<string, unknown> = {};
  if (typeof entity['@odata.type'] === 'string') out['@odata.type'] = entity['@odata.type'];
  for (const name of names) out[name] = entity[name] ?? null;
  return out;
}

/**
 * `$filter` parsed and checked against the properties the resource lets you filter on. Malformed text gets
 * 400 `BadRequest` "Invalid filter clause: …"; a known but unfilterable property gets 400
 * `Request_UnsupportedQuery`, an unknown one 400 `BadRequest`.
 */
export function parseCollectionFilter(
  call: GraphCall,
  filterable: readonly string[],
  known: readonly string[],
  resourceName: string,
): FilterExpression | null {
  const text = call.request.query.get('$filter');
  if (text === null) return null;
  let expression: FilterExpression;
  try {
    expression = parseFilter(text);
  } catch (error) {
    if (error instanceof ODataSyntaxError) {
      throw new GraphErrorResponse(badRequest(call.request, `Invalid filter clause: ${error.message}`));
    }
    throw error;
  }
  const filterableLower = new Set(filterable.map((p) => p.toLowerCase()));
  const knownLower = new Set(known.map((p) => p.toLowerCase()));
  for (const property of filterProperties(expression)) {
    const lower = property.toLowerCase();
    if (filterableLower.has(lower)) continue;
    const root = lower.split('/')[0] ?? lower;
    if (knownLower.has(root)) {
      throw new GraphErrorResponse(
        graphError(
          call.request,
          400,
          'Request_UnsupportedQuery',
          `Unsupported or invalid query filter clause specified for property '${property}' of resource '${resourceName}'.`,
        ),
      );
    }
    throw new GraphErrorResponse(
      badRequest(
        call.request,
        `Could not find a property named '${property}' on type 'microsoft.graph.${resourceName.toLowerCase()}'.`,
      ),
    );
  }
  return expression;
}

/** Operators that Graph accepts on directory objects only as advanced queries (aad-advanced-queries). */
export function usesAdvancedOperators(expression: FilterExpression): boolean {
  switch (expression.kind) {
    case 'or':
    case 'and':
      return expression.operands.some(usesAdvancedOperators);
    case 'not':
      return true;
    case 'compare':
      return expression.operator === 'ne';
    case 'function':
      return expression.name === 'endswith';
    case 'in':
      return false;
    case 'any':
      return expression.predicate !== undefined && usesAdvancedOperators(expression.predicate);
  }
}

export function applyFilter<T extends Record<string, unknown>>(
  items: T[],
  filter: FilterExpression | null,
): T[] {
  return filter === null ? items : items.filter((item) => evaluateFilter(filter, item));
}

/** `$count=true` needs `ConsistencyLevel: eventual` on directory objects. */
export function wantsCount(call: GraphCall): boolean {
  const count = call.request.query.get('$count');
  if (count === null || count.toLowerCase() === 'false') return false;
  if (count.toLowerCase() !== 'true') {
    throw new GraphErrorResponse(badRequest(call.request, `Invalid value '${count}' for $count.`));
  }
  if (!isAdvancedQuery(call)) {
    throw new GraphErrorResponse(
      graphError(call.request, 400, 'Request_BadRequest', '$count is not currently supported.'),
    );
  }
  return true;
}

export const maxPageSize = 999;

export function parseTop(call: GraphCall, defaultTop: number): number {
  const text = call.request.query.get('$top');
  if (text === null) return defaultTop;
  const top = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(top) || top < 1 || top > maxPageSize) {
    throw new GraphErrorResponse(
      graphError(
        call.request,
        400,
        'Request_BadRequest',
        `Invalid page size specified: '${text}'. Must be between 1 and ${maxPageSize} inclusive.`,
      ),
    );
  }
  return top;
}

/** Offset carried by `$skiptoken` (opaque to clients: base64url of a small JSON object). */
export function parseSkipToken(call: GraphCall): number {
  const token = call.request.query.get('$skiptoken');
  if (token === null) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through to the error below
  }
  throw new GraphErrorResponse(
    graphError(call.request, 400, 'Request_BadRequest', "'$skiptoken' is invalid."),
  );
}

/** `@odata.nextLink`: the same request with a `$skiptoken` for the next page. */
export function nextLink(call: GraphCall, nextOffset: number): string {
  const params: string[] = [];
  call.request.query.forEach((value, key) => {
    if (key !== '$skiptoken') params.push(`${key}=${encodeURIComponent(value)}`);
  });
  params.push(`$skiptoken=${Buffer.from(JSON.stringify({ o: nextOffset })).toString('base64url')}`);
  return `${call.baseUrl}${call.request.rawPath}?${params.join('&')}`;
}

export function refuseSkip(call: GraphCall): void {
  if (call.request.query.has('$skip')) {
    throw new GraphErrorResponse(
      graphError(call.request, 400, 'Request_BadRequest', "'$skip' is not supported by the service."),
    );
  }
}
