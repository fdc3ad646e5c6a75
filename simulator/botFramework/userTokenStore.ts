import { randomBytes, randomInt } from 'node:crypto';

/** What the token service keeps for a user and connection: in effect the refresh token of the sign-in. */
export interface StoredUserToken {
  userId: string;
  connectionName: string;
  channelId: string;
  /** The Entra user the token is for. */
  userObjectId: string;
  scopes: string[];
  /** When the user signed in (or exchanged an SSO token); sessions revoked after this end the grant. */
  signedInAt: string;
  accessToken: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  /** The code the sign-in page showed; GetToken with another code finds nothing. */
  magicCode: string | null;
}

/** A sign-in started by a link from GetSignInResource, waiting for Entra's redirect. */
export interface PendingSignIn {
  userId: string;
  connectionName: string;
  channelId: string;
  msAppId: string;
  finalRedirect: string | null;
}

/** Tokens per (user id, connection name), as the Bot Framework token service stores them. */
export class UserTokenStore {
  private readonly tokens = new Map<string, StoredUserToken>();
  private readonly pending = new Map<string, PendingSignIn>();

  get(userId: string, connectionName: string): StoredUserToken | undefined {
    return this.tokens.get(key(userId, connectionName));
  }

  put(token: StoredUserToken): void {
    this.tokens.set(key(token.userId, token.connectionName), token);
  }

  delete(userId: string, connectionName: string): void {
    this.tokens.delete(key(userId, connectionName));
  }

  connectionsWithToken(userId: string): string[] {
    return [...this.tokens.values()].filter((t) => t.userId === userId).map((t) => t.connectionName);
  }

  startSignIn(signIn: PendingSignIn): string {
    const id = randomBytes(24).toString('base64url');
    this.pending.set(id, signIn);
    return id;
  }

  peekSignIn(id: string): PendingSignIn | undefined {
    return this.pending.get(id);
  }

  /** The pending sign-in for Entra's `state`, once. */
  takeSignIn(id: string): PendingSignIn | undefined {
    const signIn = this.pending.get(id);
    this.pending.delete(id);
    return signIn;
  }

  static newMagicCode(): string {
    return String(randomInt(0, 1_000_000)).padStart(6, '0');
  }

  clear(): void {
    this.tokens.clear();
    this.pending.clear();
  }
}

function key(userId: string, connectionName: string): string {
  return `${userId}\u0000${connectionName.toLowerCase()}`;
}
