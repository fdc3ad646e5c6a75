import { z } from 'zod';

/** Parses a JSON request body; returns undefined for an empty or malformed body (callers answer 400). */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Parses and validates a JSON body; null when it does not match. */
export function parseJsonBodyAs<T>(body: Buffer, schema: z.ZodType<T>): T | null {
  const parsed = schema.safeParse(parseJsonBody(body));
  return parsed.success ? parsed.data : null;
}
