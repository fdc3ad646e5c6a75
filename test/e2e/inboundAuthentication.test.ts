import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { BotOverHttp, TENANT_ID } from '../support/botOverHttp';
import { EMULATOR_ISSUER, OpenIdStandIn } from '../support/openIdStandIn';

/** The bot's app registration in the simulated tenant (its fixture's Graph app doubles as the Azure Bot). */
const BOT_APP_ID = '3f2c8a1e-5b7d-4e9f-a0c1-d2e3f4a5b6c7';
const OTHER_APP_ID = '0a0b0c0d-1111-4222-8333-444455556666';

interface Answer {
  status: number;
  body: string;
}

/** The bot with authentication on, its channel tokens checked against `standIn`. */
function startBot(standIn: OpenIdStandIn): Promise<BotOverHttp> {
  return BotOverHttp.start((simulator) => ({
    BOT_DANGEROUSLY_ALLOW_UNAUTHENTICATED: 'false',
    MicrosoftAppId: BOT_APP_ID,
    MicrosoftAppPassword: 'sim-demo-client-secret',
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: TENANT_ID,
    ToBotFromChannelOpenIdMetadataUrl: standIn.channelMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: standIn.emulatorMetadataUrl,
    // Replies get their token from the simulated tenant's Entra endpoint.
    ToChannelFromBotLoginUrl: `${simulator.url}/${TENANT_ID}`,
  }));
}

async function post(bot: BotOverHttp, activity: Partial<Activity>, token?: string): Promise<Answer> {
  const response = await fetch(`${bot.botUrl}/api/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(activity),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, body: await response.text() };
}

async function simulatorCalls(bot: BotOverHttp): Promise<number> {
  const { value } = (await bot.simulatorControl('GET', '/_sim/calls')) as { value: unknown[] };
  return value.length;
}

interface Refusal {
  name: string;
  status: 401 | 403;
  reason: string;
  /** The token, given the activity's serviceUrl; undefined for no Authorization header. */
  token?: (standIn: OpenIdStandIn, serviceUrl: string) => string;
  /** Forged (not signed by a key the bot trusts) rather than genuine but not for this request. */
  forged: boolean;
}

const now = () => Math.floor(Date.now() / 1000);

const REFUSALS: Refusal[] = [
  { name: 'no Authorization header', status: 401, reason: 'no-token', forged: true },
  {
    name: 'an unsigned token (alg: none) naming the channel key',
    status: 401,
    reason: 'invalid-token',
    forged: true,
    token: (s, url) => s.sign(s.channelClaims(BOT_APP_ID, url), { alg: 'none' }),
  },
  {
    name: 'a token signed by an unknown key under the channel key id',
    status: 401,
    reason: 'invalid-token',
    forged: true,
    token: (s, url) => s.sign(s.channelClaims(BOT_APP_ID, url), { key: 'foreign' }),
  },
  {
    name: 'a token with a key id the JWKS does not list',
    status: 401,
    reason: 'unknown-key',
    forged: true,
    token: (s, url) => s.sign(s.channelClaims(BOT_APP_ID, url), { kid: 'no-such-key' }),
  },
  {
    name: 'a token from another issuer',
    status: 401,
    reason: 'untrusted-token',
    forged: true,
    token: (s, url) =>
      s.sign({ ...s.channelClaims(BOT_APP_ID, url), iss: 'https://api.botframework.example' }),
  },
  {
    name: 'an expired token (beyond the 5 minutes of clock skew)',
    status: 401,
    reason: 'expired',
    forged: true,
    token: (s, url) => s.sign({ ...s.channelClaims(BOT_APP_ID, url), nbf: now() - 7200, exp: now() - 600 }),
  },
  {
    name: 'a token not valid yet (beyond the 5 minutes of clock skew)',
    status: 401,
    reason: 'not-yet-valid',
    forged: true,
    token: (s, url) => s.sign({ ...s.channelClaims(BOT_APP_ID, url), nbf: now() + 600, exp: now() + 7200 }),
  },
  {
    name: 'a forged Emulator-style token (our app id, signed by an unknown key)',
    status: 401,
    reason: 'unknown-key',
    forged: true,
    token: (s) =>
      s.sign(
        {
          iss: EMULATOR_ISSUER,
          aud: BOT_APP_ID,
          appid: BOT_APP_ID,
          ver: '1.0',
          nbf: now() - 60,
          exp: now() + 3600,
        },
        { key: 'foreign', kid: 'attacker-key' },
      ),
  },
  {
    name: 'a channel token for another bot (audience)',
    status: 403,
    reason: 'other-audience',
    forged: false,
    token: (s, url) => s.sign(s.channelClaims(OTHER_APP_ID, url)),
  },
  {
    name: 'a channel token whose serviceurl differs from the activity',
    status: 403,
    reason: 'serviceurl-mismatch',
    forged: false,
    token: (s) => s.sign(s.channelClaims(BOT_APP_ID, 'https://attacker.example/')),
  },
  {
    name: 'a channel token with no serviceurl claim',
    status: 403,
    reason: 'serviceurl-mismatch',
    forged: false,
    token: (s, url) => {
      const claims = s.channelClaims(BOT_APP_ID, url);
      delete claims.serviceurl;
      return s.sign(claims);
    },
  },
  {
    name: 'a channel token signed by a key endorsed only for another channel',
    status: 403,
    reason: 'channel-not-endorsed',
    forged: false,
    token: (s, url) => s.sign(s.channelClaims(BOT_APP_ID, url), { key: 'otherChannel' }),
  },
  {
    name: 'a genuine Emulator token with our app id (the bot serves channel tokens only)',
    status: 403,
    reason: 'not-a-channel-token',
    forged: false,
    token: (s) =>
      s.sign(
        {
          iss: EMULATOR_ISSUER,
          aud: BOT_APP_ID,
          appid: BOT_APP_ID,
          ver: '1.0',
          nbf: now() - 60,
          exp: now() + 3600,
        },
        { key: 'emulator' },
      ),
  },
];

describe('inbound authentication (end to end, authentication on, local OpenID/JWKS stand-in)', function () {
  this.timeout(60_000);
  let standIn: OpenIdStandIn;
  let bot: BotOverHttp;
  const refused: Record<'forged' | 'genuine', { refused: number; of: number }> = {
    forged: { refused: 0, of: 0 },
    genuine: { refused: 0, of: 0 },
  };
  let bodiesWithDetail = 0;

  before(async () => {
    standIn = await OpenIdStandIn.start();
    bot = await startBot(standIn);
  });
  after(async () => {
    await bot.close();
    await standIn.close();
    const forged = refused.forged;
    const genuine = refused.genuine;
    const all = forged.refused + genuine.refused;
    console.log(`      tokens refused: ${all}/${forged.of + genuine.of}`);
    console.log(`      forged tokens refused: ${forged.refused}/${forged.of}`);
    console.log(`      genuine tokens not meant for this request refused: ${genuine.refused}/${genuine.of}`);
    console.log(`      refusals whose body had any content: ${bodiesWithDetail}`);
  });
  beforeEach(() => bot.reset());

  for (const refusal of REFUSALS) {
    it(`answers ${refusal.status} with an empty body to ${refusal.name}, and runs none of the bot`, async () => {
      const activity = bot.personal('help');
      const token = refusal.token?.(standIn, String(activity.serviceUrl));
      const linesBefore = bot.logs.lines.length;

      const answer = await post(bot, activity, token);
      await bot.app.idle();

      const tally = refused[refusal.forged ? 'forged' : 'genuine'];
      tally.of += 1;
      if (answer.body !== '') bodiesWithDetail += 1;
      assert.equal(answer.status, refusal.status);
      assert.equal(answer.body, '');
      tally.refused += 1;

      assert.equal(bot.connector.calls.length, 0, 'the bot posted nothing');
      assert.equal(await simulatorCalls(bot), 0, 'the bot called neither Entra nor Graph');
      const newLines = bot.logs.lines
        .slice(linesBefore)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      assert.deepEqual(
        newLines.map((line) => [line.msg, line.reason, line.status]),
        [['refused an activity: authentication failed', refusal.reason, refusal.status]],
        'one log line, from the front door only',
      );
      if (token) assert.ok(!bot.logs.text.includes(token.split('.')[1]), 'the token is in no log line');
    });
  }

  it('accepts a valid channel token: the turn runs and its answer comes back (200)', async () => {
    const click = {
      ...bot.personal(''),
      type: 'invoke',
      name: 'adaptiveCard/action',
      text: undefined,
      replyToId: 'activity-card',
      value: { action: { type: 'Action.Execute', verb: 'confirmReset', data: { resetId: 'no-such-reset' } } },
    } as Partial<Activity>;
    const token = standIn.sign(standIn.channelClaims(BOT_APP_ID, String(click.serviceUrl)));

    const answer = await post(bot, click, token);

    // The handler ran and answered in the invoke's body: no outbound call needed (see the README on tests).
    assert.equal(answer.status, 200);
    assert.match(answer.body, /That card action is not valid/);
    assert.match(bot.logs.text, /rejected a card action/);
  });

  it('refuses a request whose body is not an activity with 400 and runs none of the bot', async () => {
    const response = await fetch(`${bot.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(['not', 'an', 'activity']),
    });
    assert.equal(response.status, 400);
    assert.equal(await response.text(), '');
  });
});

describe('inbound authentication when the signing keys cannot be fetched', function () {
  this.timeout(60_000);
  let standIn: OpenIdStandIn;
  let bot: BotOverHttp;

  // botbuilder caches keys per metadata URL for a day: this bot's stand-in never served any, so every
  // request tries again.
  before(async () => {
    standIn = await OpenIdStandIn.start();
    bot = await startBot(standIn);
  });
  after(async () => {
    await bot.close();
  });

  async function expectUnavailable(reason: string): Promise<void> {
    const activity = bot.personal('help');
    const token = standIn.sign(standIn.channelClaims(BOT_APP_ID, String(activity.serviceUrl)));
    const linesBefore = bot.logs.lines.length;

    const answer = await post(bot, activity, token);

    assert.equal(answer.status, 503);
    assert.equal(answer.body, '');
    assert.equal(bot.connector.calls.length, 0);
    const newLines = bot.logs.lines
      .slice(linesBefore)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      newLines.map((line) => line.reason),
      [reason],
    );
  }

  it('answers 503 with an empty body when the metadata endpoint answers 500', async () => {
    standIn.mode = 'server-error';
    await expectUnavailable('metadata-unreachable');
  });

  it('answers 503 with an empty body when the metadata endpoint never answers', async () => {
    standIn.mode = 'no-answer';
    await expectUnavailable('metadata-timeout');
  });

  it('answers 503 with an empty body when the metadata endpoint refuses connections', async () => {
    await standIn.close();
    await expectUnavailable('metadata-unreachable');
  });
});
