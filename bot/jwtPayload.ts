/**
 * A JWT's payload, decoded but not verified; null when `token` is not a JWT with a JSON payload. For tokens
 * that came straight from Entra or the Bot Framework token service over TLS, and that Graph checks on every
 * call: the bot and the preflight only need to read whose they are.
 */
export function readJwtPayload(token: string): unknown {
  const payload = token.split('.')[1];
  if (payload === undefined) return null;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
  } catch {
    return null;
  }
}
