import jwt from 'jsonwebtoken';

export type AssertionCheck = { ok: true } | { ok: false; code: number; description: string };

/**
 * Validates a `private_key_jwt` client assertion the way Entra describes it (certificate-credentials,
 * Microsoft Learn): signed with a certificate registered on the app, identified by `x5t` (SHA-1) or
 * `x5t#S256` (SHA-256) thumbprint, `aud` the token endpoint, `iss` and `sub` the client id, within its
 * validity window.
 */
export function checkClientAssertion(
  assertion: string,
  clientId: string,
  registered: { certPem: string; sha1: string; sha256: string }[],
  acceptedAudiences: [string, ...string[]],
): AssertionCheck {
  const decoded = jwt.decode(assertion, { complete: true });
  if (!decoded || typeof decoded.payload === 'string') {
    return { ok: false, code: 50027, description: 'JWT token is invalid or malformed.' };
  }
  const header = decoded.header as jwt.JwtHeader & { 'x5t#S256'?: string };
  const certificate = registered.find(
    (c) => (header.x5t !== undefined && header.x5t === c.sha1) || header['x5t#S256'] === c.sha256,
  );
  if (!certificate) {
    return {
      ok: false,
      code: 700027,
      description: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${header.x5t ?? header['x5t#S256'] ?? ''}']`,
    };
  }
  try {
    jwt.verify(assertion, certificate.certPem, {
      algorithms: ['RS256', 'PS256'],
      audience: acceptedAudiences,
      issuer: clientId,
      subject: clientId,
      // Entra tolerates clock skew between client and service (MSAL stamps nbf with its own clock).
      clockTolerance: 300,
    });
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) {
      return { ok: false, code: 700024, description: 'Client assertion is not within its valid time range.' };
    }
    if (error instanceof jwt.JsonWebTokenError && /audience/.test(error.message)) {
      return {
        ok: false,
        code: 700021,
        description: 'Client assertion audience claim does not match Realm issuer.',
      };
    }
    return { ok: false, code: 700027, description: 'Client assertion failed signature validation.' };
  }
  return { ok: true };
}
