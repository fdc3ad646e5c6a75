import { randomBytes } from 'node:crypto';

/** "Authorization codes are short lived, typically expiring after about 10 minutes" (auth code flow, Learn). */
const codeLifetimeMs = 10 * 60 * 1000;

export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  userId: string;
  scopes: string[];
  expiresAt: number;
  redeemed: boolean;
}

export type Redemption =
  | { ok: true; grant: AuthorizationCode }
  | { ok: false; reason: 'unknown' | 'expired' | 'redeemed' | 'mismatch' };

/** Codes issued by `/authorize`, redeemed once at the token endpoint. Cleared by `POST /_sim/reset`. */
export class AuthorizationCodes {
  private readonly codes = new Map<string, AuthorizationCode>();

  issue(grant: Omit<AuthorizationCode, 'expiresAt' | 'redeemed'>): string {
    const code = randomBytes(32).toString('base64url');
    this.codes.set(code, { ...grant, expiresAt: Date.now() + codeLifetimeMs, redeemed: false });
    return code;
  }

  redeem(code: string, clientId: string, redirectUri: string): Redemption {
    const grant = this.codes.get(code);
    if (!grant) return { ok: false, reason: 'unknown' };
    if (grant.redeemed) return { ok: false, reason: 'redeemed' };
    if (grant.expiresAt < Date.now()) return { ok: false, reason: 'expired' };
    if (grant.clientId.toLowerCase() !== clientId.toLowerCase() || grant.redirectUri !== redirectUri) {
      return { ok: false, reason: 'mismatch' };
    }
    grant.redeemed = true;
    return { ok: true, grant };
  }

  clear(): void {
    this.codes.clear();
  }
}
