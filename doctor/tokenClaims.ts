import { z } from 'zod';
import { readJwtPayload } from '../bot/jwtPayload';

/**
 * The claims the preflight reads from an app-only access token: `oid` is the app's service principal in the
 * tenant, `roles` the application permissions granted to it ("Access token claims reference", Learn). The
 * token came straight from Entra, but it is read like any other input: a missing claim means "unknown".
 */
const claimsSchema = z.object({
  oid: z.string().min(1),
  tid: z.string().min(1),
  appid: z.string().optional(),
  roles: z.array(z.string()).optional(),
});

export interface AppTokenClaims {
  servicePrincipalId: string;
  tenantId: string;
  appId: string | null;
  roles: string[];
}

/** Decodes (does not verify) a JWT's payload; null if it is not one or lacks what the checks need. */
export function readAppTokenClaims(token: string): AppTokenClaims | null {
  const parsed = claimsSchema.safeParse(readJwtPayload(token));
  if (!parsed.success) return null;
  return {
    servicePrincipalId: parsed.data.oid,
    tenantId: parsed.data.tid,
    appId: parsed.data.appid ?? null,
    roles: parsed.data.roles ?? [],
  };
}
