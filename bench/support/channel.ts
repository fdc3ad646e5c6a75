import { Agent, request } from 'node:http';
import { OpenIdStandIn } from '../../test/support/openIdStandIn';
import type { Json } from './connector';
import { BOT_APP_ID, type DirectoryPerson, TENANT_ID } from './tenant';

/** The bot's Teams account, as activities name it. */
const BOT_ACCOUNT = { id: '28:helpdesk-reset', name: 'Helpdesk Reset' };

/** One helpdesk agent in Teams: a Teams user id and their 1:1 chat with a bot. */
export interface TeamsAgent {
  teamsId: string;
  person: DirectoryPerson;
  /** The 1:1 chat's conversation id. */
  conversationId: string;
}

export interface BotAnswer {
  status: number;
  body: unknown;
}

/**
 * The Teams channel's side of the conversation: activities shaped as Teams delivers them, each with the
 * channel service's signed token, posted to a bot over HTTP. The token is signed by a local stand-in for the
 * Bot Framework's OpenID metadata and keys (the tests' stand-in), which the bots are configured to trust; as
 * the real channel does, one token per service URL is reused for its hour.
 */
export class TeamsChannel {
  private readonly tokens = new Map<string, string>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private nextActivity = 1;

  private constructor(
    readonly openId: OpenIdStandIn,
    readonly serviceUrl: string,
  ) {}

  static async start(serviceUrl: string): Promise<TeamsChannel> {
    return new TeamsChannel(await OpenIdStandIn.start(), serviceUrl);
  }

  /** The bot settings that make it trust this channel's tokens. */
  get botSettings(): Record<string, string> {
    return {
      ToBotFromChannelOpenIdMetadataUrl: this.openId.channelMetadataUrl,
      ToBotFromEmulatorOpenIdMetadataUrl: this.openId.emulatorMetadataUrl,
    };
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await this.openId.close();
  }

  /** A message the agent types in their 1:1 chat with the bot. */
  message(from: TeamsAgent, text: string): Json {
    return {
      type: 'message',
      id: `message-${this.nextActivity++}`,
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: this.serviceUrl,
      from: { id: from.teamsId, name: from.person.name, aadObjectId: from.person.aadObjectId },
      recipient: BOT_ACCOUNT,
      conversation: {
        id: from.conversationId,
        conversationType: 'personal',
        isGroup: false,
        tenantId: TENANT_ID,
      },
      channelData: { tenant: { id: TENANT_ID } },
      textFormat: 'plain',
      locale: 'en-US',
      text,
    };
  }

  /**
   * An `adaptiveCard/action` invoke: the agent clicked an `Action.Execute` (or their client refreshed a card)
   * on the card `replyToId` names, in their 1:1 chat.
   */
  cardAction(
    from: TeamsAgent,
    replyToId: string,
    verb: string,
    data: Json,
    trigger: 'manual' | 'automatic' = 'manual',
  ): Json {
    const message = this.message(from, '');
    delete message.text;
    delete message.textFormat;
    return {
      ...message,
      type: 'invoke',
      id: `invoke-${this.nextActivity++}`,
      name: 'adaptiveCard/action',
      replyToId,
      value: { action: { type: 'Action.Execute', id: verb, verb, data }, trigger },
    };
  }

  /** Posts `activity` to the bot at `botUrl` as the channel service does; resolves with the HTTP answer. */
  async post(botUrl: string, activity: Json, timeoutMs = 30_000): Promise<BotAnswer> {
    try {
      return await this.send(botUrl, activity, timeoutMs);
    } catch (error) {
      // A kept-alive connection the bot closed as it went idle, just as it was reused: the request never
      // reached the bot, and is sent again on a new connection (Node's documented remedy).
      if (!(error instanceof StaleConnection)) throw error;
      return this.send(botUrl, activity, timeoutMs);
    }
  }

  private send(botUrl: string, activity: Json, timeoutMs: number): Promise<BotAnswer> {
    const payload = JSON.stringify(activity);
    const url = new URL('/api/messages', botUrl);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          timeout: timeoutMs,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            authorization: `Bearer ${this.tokenFor(this.serviceUrl)}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = text === '' ? undefined : JSON.parse(text);
            } catch {
              // Not JSON: kept as text for the failure report.
            }
            resolve({ status: res.statusCode ?? 0, body });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`the bot did not answer within ${timeoutMs} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) => {
        reject(req.reusedSocket && error.code === 'ECONNRESET' ? new StaleConnection() : error);
      });
      req.end(payload);
    });
  }

  private tokenFor(serviceUrl: string): string {
    let token = this.tokens.get(serviceUrl);
    if (token === undefined) {
      token = this.openId.sign(this.openId.channelClaims(BOT_APP_ID, serviceUrl));
      this.tokens.set(serviceUrl, token);
    }
    return token;
  }
}

/** A reused keep-alive connection was reset before any answer: the request can be sent again. */
class StaleConnection extends Error {}
