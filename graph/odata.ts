/**
 * Building Graph queries from what people typed. The Graph JS SDK copies query values into the URL as they
 * are (no URL encoding), so every value built here is encoded before it reaches the SDK: a typed name can
 * then never end the `$filter`, add a parameter (`&`, `#`), or change the host (`https://` in a path).
 */
import { toWellFormed } from '../core/searchText';

/** An OData string literal's content: a single quote is escaped by doubling it (`O'Brien` → `O''Brien`). */
export function escapeODataString(value: string): string {
  return value.replace(/'/g, "''");
}

/** A quoted OData string literal. */
export function odataString(value: string): string {
  return `'${escapeODataString(value)}'`;
}

/** `startswith(property,'value')` with the value escaped. */
export function startsWith(property: string, value: string): string {
  return `startswith(${property},${odataString(value)})`;
}

/** `property eq 'value'` with the value escaped. */
export function equals(property: string, value: string): string {
  return `${property} eq ${odataString(value)}`;
}

/** `property in ('a','b')` with each value escaped. */
export function isIn(property: string, values: readonly string[]): string {
  return `${property} in (${values.map(odataString).join(',')})`;
}

/**
 * Encodes a whole query value (a `$filter` expression) for the URL. Everything outside the unreserved set is
 * percent-encoded, including `&`, `=`, `#`, `+`, `%`, `?` and `/`.
 */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(toWellFormed(value));
}

/** Encodes one path segment (an object id or a user principal name such as `a_b.com#EXT#@contoso.com`). */
export function encodePathSegment(value: string): string {
  return encodeURIComponent(toWellFormed(value));
}
