/**
 * A point in time as Adaptive Card date/time functions, so that each viewer's client shows it in their own
 * time zone. The functions accept only strict RFC 3339 without fractional seconds; anything else would be
 * shown raw, so the value is re-serialised rather than passed through.
 */
export function cardDateTime(iso: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T/.test(iso)) return null;
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return null;
  const rfc3339 = new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `{{DATE(${rfc3339}, SHORT)}} {{TIME(${rfc3339})}}`;
}
