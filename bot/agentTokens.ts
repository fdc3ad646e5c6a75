import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { describeError } from './errorShape';
import { readJwtPayload } from './jwtPayload';
import type { Logger } from './logger';
import type { TokenServiceClient } from './tokenService';

/** Whose delegated token the token service handed over, as its claims say. */
export type TokenOwner = 'requester' | 'someone-else' | 'unreadable';

/** The claims that say whose a token is: the Entra object id and the tenant. */
const ownerClaims = z.object({ oid: z.string(), tid: z.string() });

/** The Teams user a token is kept for: the token service keys tokens by `from.id` and channel. */
export interface TokenHolder {
  /** `from.id` ("29:…"). */
  teamsId: string | undefined;
  /** `from.aadObjectId`: the Entra account the token must belong to. */
  aadObjectId: string | undefined;
  channelId: string;
}

/**
 * The signed-in agents' delegated Microsoft Graph tokens, kept by the Bot Framework token service and only
 * looked up here, never stored, logged or put in an error. A token counts only if it was issued in our tenant
 * to the Entra account Teams says is talking: anyone can follow a sign-in link posted in a group chat, and
 * whoever signs in there would otherwise lend the requester their rights.
 */
export class AgentTokens {
  constructor(
    private readonly tokenService: Pick<TokenServiceClient, 'getUserToken' | 'signOutUser'>,
    private readonly connectionName: string,
    private readonly tenantId: string,
    private readonly logger: Logger,
  ) {}

  /** The holder of a turn: its sender. */
  static holderOf(context: TurnContext): TokenHolder {
    const { from, channelId } = context.activity;
    return { teamsId: from?.id, aadObjectId: from?.aadObjectId, channelId: channelId ?? '' };
  }

  /** The holder's own token, or null when they are not signed in (as themselves). */
  async tokenOf(holder: TokenHolder): Promise<string | null> {
    if (!holder.teamsId || !holder.aadObjectId) return null;
    const response = await this.tokenService.getUserToken(
      holder.teamsId,
      this.connectionName,
      holder.channelId,
      undefined,
    );
    const token = typeof response?.token === 'string' && response.token !== '' ? response.token : null;
    if (token === null) return null;
    const owner = this.ownerOf(token, holder.aadObjectId);
    if (owner === 'requester') return token;
    this.logger.warn({ owner, holder: holder.aadObjectId }, 'a signed-in token is not the Teams user’s own');
    await this.signOut(holder);
    return null;
  }

  /** Whether a token just handed over (by a sign-in) belongs to the turn's sender. */
  ownerOf(token: string, aadObjectId: string | undefined): TokenOwner {
    // Read, not verified: the token service got it from Entra over TLS, and Graph checks it on every call.
    const claims = ownerClaims.safeParse(readJwtPayload(token));
    if (!claims.success) return 'unreadable';
    const { oid, tid } = claims.data;
    const same = (a: string, b: string | undefined) => b !== undefined && a.toLowerCase() === b.toLowerCase();
    return same(oid, aadObjectId) && same(tid, this.tenantId) ? 'requester' : 'someone-else';
  }

  /** Forgets the holder's token at the token service. Failing that is logged, not thrown. */
  async signOut(holder: TokenHolder): Promise<boolean> {
    if (!holder.teamsId) return false;
    try {
      await this.tokenService.signOutUser(holder.teamsId, this.connectionName, holder.channelId);
      return true;
    } catch (error) {
      this.logger.warn({ error: describeError(error) }, 'could not sign the agent out at the token service');
      return false;
    }
  }
}
