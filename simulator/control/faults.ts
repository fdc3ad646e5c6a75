import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export const faultSchema = z
  .object({
    method: z
      .string()
      .regex(/^[A-Za-z]+$/)
      .transform((m) => m.toUpperCase())
      .optional(),
    /** A regular expression matched against the request path without the query. */
    path: z.string().min(1).max(500),
    kind: z.enum(['status', 'delay', 'drop']),
    status: z.union([z.literal(429), z.literal(500), z.literal(503)]).optional(),
    retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
    delayMs: z.number().int().min(0).max(120_000).optional(),
    count: z.number().int().min(1).max(100_000),
    /**
     * The request is served first (a write is applied, and logged with the status it was served with), then
     * its answer is held (`delay`), lost (`drop`) or replaced (`status`): "applied, but the caller never
     * heard". Without it, `drop` and `status` answer instead of serving, and `delay` holds the request first.
     */
    applyFirst: z.boolean().optional(),
  })
  .strict()
  .refine((f) => f.kind !== 'status' || f.status !== undefined, { message: 'kind "status" needs "status"' })
  .refine((f) => f.kind !== 'delay' || f.delayMs !== undefined, { message: 'kind "delay" needs "delayMs"' });

export type FaultSpec = z.infer<typeof faultSchema>;

export interface ActiveFault extends FaultSpec {
  id: string;
  pattern: RegExp;
  remaining: number;
}

/** Faults injected through `POST /_sim/faults`, each consumed by the next `count` matching calls. */
export class FaultRegistry {
  private faults: ActiveFault[] = [];

  /** Throws SyntaxError for an invalid regular expression. */
  add(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = {
      ...spec,
      id: randomUUID(),
      pattern: new RegExp(spec.path),
      remaining: spec.count,
    };
    this.faults.push(fault);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }

  list(): ActiveFault[] {
    return this.faults.filter((f) => f.remaining > 0);
  }

  /** The first live fault matching the call, consuming one of its occurrences. */
  take(method: string, path: string, kinds: readonly ActiveFault['kind'][]): ActiveFault | undefined {
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        kinds.includes(f.kind) &&
        (f.method === undefined || f.method === method) &&
        f.pattern.test(path),
    );
    if (fault) fault.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return fault;
  }
}
