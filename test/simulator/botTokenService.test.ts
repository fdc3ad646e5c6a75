import assert from 'node:assert/strict';
import { ClientSecretCredential } from '@azure/identity';
import { ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import jwt from 'jsonwebtoken';
import { generateKeyPairSync } from 'node:crypto';
import { getWithoutRedirect as get, signInThroughEntra } from '../support/entraBrowser';
import { demo, SimulatorHarness, userId } from './harness';

type UserTokenClient = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>>;
type ClaimsIdentityLike = Parameters<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>[0];
type CredentialsFactory = ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1];

const connectionName = 'GraphConnection';
const teamsUserId = '29:1agent-alex';
const resetPath = (id: string): string =>
  `/v1.0/users/${id}/authentication/methods/${demo.passwordMethodId}/resetPassword`;

/** A Teams message from the agent, as botbuilder builds the token exchange state from it. */
const activity = {
  type: 'message',
  id: 'activity-1',
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  from: { id: teamsUserId, aadObjectId: userId('01') },
  recipient: { id: `28:${demo.botAppId}` },
  conversation: { id: 'a:1-personal-chat', conversationType: 'personal' },
} as Activity;

/**
 * The user token client botbuilder 4.23.3 builds from configuration (`OAuthUrl` pointed at the simulator), with
 * outbound credentials from `@azure/identity` against the simulator's token endpoint.
 */
function userTokenClientFor(h: SimulatorHarness): Promise<UserTokenClient> {
  const credential = h.appCredential();
  const credentialsFactory = {
    isValidAppId: (appId: string) => Promise.resolve(appId === demo.botAppId),
    isAuthenticationDisabled: () => Promise.resolve(false),
    createCredentials: () =>
      Promise.resolve({
        signRequest: async (request: { headers: { set(name: string, value: string): void } }) => {
          const token = await credential.getToken('https://api.botframework.com/.default');
          request.headers.set('authorization', `Bearer ${token.token}`);
          return request;
        },
      }),
  } as unknown as CredentialsFactory;
  const auth = new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: demo.botAppId,
      MicrosoftAppPassword: demo.botSecret,
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: demo.tenantId,
      OAuthUrl: `${h.sim.url}/botframework`,
      ToChannelFromBotLoginUrl: `${h.sim.url}/${demo.tenantId}`,
      ToChannelFromBotOAuthScope: 'https://api.botframework.com',
      ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
      ToBotFromChannelOpenIdMetadataUrl: `${h.sim.url}/${demo.tenantId}/v2.0/.well-known/openid-configuration`,
      ToBotFromEmulatorOpenIdMetadataUrl: `${h.sim.url}/${demo.tenantId}/v2.0/.well-known/openid-configuration`,
      CallerId: 'urn:botframework:azure',
    },
    credentialsFactory,
  );
  const claims = [
    { type: 'aud', value: demo.botAppId },
    { type: 'appid', value: demo.botAppId },
  ];
  const identity = {
    claims,
    isAuthenticated: true,
    authenticationType: 'Bearer',
    getClaimValue: (type: string) => claims.find((c) => c.type === type)?.value ?? null,
  } as unknown as ClaimsIdentityLike;
  return auth.createUserTokenClient(identity);
}

describe('simulator: Bot Framework token service', () => {
  let h: SimulatorHarness;
  let client: UserTokenClient;
  before(async () => {
    h = await SimulatorHarness.start();
    client = await userTokenClientFor(h);
  });
  after(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
  });

  async function signInAgent(login = 'alexw@contoso.com'): Promise<string> {
    const resource = await client.getSignInResource(connectionName, activity, '');
    const back = await signInThroughEntra(resource.signInLink ?? '', login);
    assert.equal(back.status, 302);
    const done = await get(back.headers.get('location') ?? '');
    assert.equal(done.status, 200);
    const html = await done.text();
    assert.match(html, /You can close this window/);
    return /<span id="magic-code">(\d{6})<\/span>/.exec(html)?.[1] ?? '';
  }

  it('answers GetToken with 404 and no body when the user has no token, which botbuilder reads as none', async () => {
    assert.equal(await client.getUserToken(teamsUserId, connectionName, 'msteams', ''), undefined);
  });

  it('refuses callers without a Bot Framework token issued to the bot registration', async () => {
    const url = `${h.sim.url}/botframework/api/usertoken/GetToken?userId=u&connectionName=${connectionName}`;
    assert.equal((await fetch(url)).status, 401);
    const graphToken = await h.appCredential().getToken('https://graph.microsoft.com/.default');
    assert.equal(
      (await fetch(url, { headers: { authorization: `Bearer ${graphToken.token}` } })).status,
      401,
    );
    const otherApp = new ClientSecretCredential(
      demo.tenantId,
      demo.reportsAppId,
      demo.reportsSecret,
      h.credentialOptions,
    );
    const otherToken = await otherApp.getToken('https://api.botframework.com/.default');
    assert.equal(
      (await fetch(url, { headers: { authorization: `Bearer ${otherToken.token}` } })).status,
      401,
    );
  });

  it('hands out a sign-in link to Entra and the SSO resource of the connection', async () => {
    const resource = await client.getSignInResource(connectionName, activity, '');
    assert.match(
      resource.signInLink ?? '',
      new RegExp(`^${h.sim.url}/botframework/api/oauth/signin\\?signin=`),
    );
    assert.equal(resource.tokenExchangeResource?.uri, `api://botid-${demo.botAppId}`);
    const toEntra = await get(resource.signInLink ?? '');
    const authorize = new URL(toEntra.headers.get('location') ?? '');
    assert.equal(authorize.pathname, `/${demo.tenantId}/oauth2/v2.0/authorize`);
    assert.equal(authorize.searchParams.get('response_type'), 'code');
    assert.equal(authorize.searchParams.get('client_id'), demo.botAppId);
    assert.equal(authorize.searchParams.get('redirect_uri'), `${h.sim.url}/botframework/.auth/web/redirect`);
  });

  it("stores the agent's delegated Graph token after sign-in; the agent can reset a password with it", async () => {
    await signInAgent();
    const token = await client.getUserToken(teamsUserId, connectionName, 'msteams', '');
    assert.equal(token?.connectionName, connectionName);
    assert.equal(token?.channelId, 'msteams');
    const claims = jwt.decode(token?.token ?? '') as { oid: string; scp: string; aud: string };
    assert.equal(claims.oid, userId('01'));
    assert.equal(claims.aud, 'https://graph.microsoft.com');
    assert.match(claims.scp, /\bUserAuthenticationMethod\.ReadWrite\.All\b/);
    const reset = await fetch(`${h.sim.url}${resetPath(userId('02'))}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token?.token ?? ''}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(reset.status, 202);
  });

  it('releases the token for the magic code the page showed, and not for another code', async () => {
    const code = await signInAgent();
    assert.match(code, /^\d{6}$/);
    const wrong = code === '000000' ? '111111' : '000000';
    assert.equal(await client.getUserToken(teamsUserId, connectionName, 'msteams', wrong), undefined);
    assert.ok((await client.getUserToken(teamsUserId, connectionName, 'msteams', code))?.token);
  });

  it('stores the token under the Teams user of the sign-in link, whoever signs in at Entra (the bot must compare oids)', async () => {
    await signInAgent('diegos@contoso.com');
    const token = await client.getUserToken(teamsUserId, connectionName, 'msteams', '');
    assert.equal((jwt.decode(token?.token ?? '') as { oid: string }).oid, userId('07'));
  });

  it('keeps tokens per user: another Teams user has none', async () => {
    await signInAgent();
    assert.equal(await client.getUserToken('29:someone-else', connectionName, 'msteams', ''), undefined);
  });

  it('reports the token status and forgets the token on sign-out', async () => {
    await signInAgent();
    const status = await client.getTokenStatus(teamsUserId, 'msteams', '');
    assert.deepEqual(
      status.map((s) => [s.connectionName, s.hasToken]),
      [[connectionName, true]],
    );
    await client.signOutUser(teamsUserId, connectionName, 'msteams');
    assert.equal(await client.getUserToken(teamsUserId, connectionName, 'msteams', ''), undefined);
  });

  it('drops the token when the agent’s sign-in sessions are revoked', async () => {
    await signInAgent();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await h
      .userClient('pattif@contoso.com')
      .api(`/users/${userId('01')}/revokeSignInSessions`)
      .post({});
    assert.equal(await client.getUserToken(teamsUserId, connectionName, 'msteams', ''), undefined);
  });

  it('forgets every token on POST /_sim/reset', async () => {
    await signInAgent();
    await h.reset();
    assert.equal(await client.getUserToken(teamsUserId, connectionName, 'msteams', ''), undefined);
  });

  describe('SSO exchange', () => {
    async function ssoToken(body: Record<string, unknown>): Promise<string> {
      const answer = await h.control('POST', 'teams-sso-token', body);
      assert.equal(answer.status, 200);
      return (answer.json as { token: string }).token;
    }

    it('exchanges a Teams SSO token for a delegated Graph token of that user, and stores it', async () => {
      const token = await ssoToken({ userPrincipalName: 'alexw@contoso.com' });
      const sso = jwt.decode(token) as { aud: string; scp: string };
      assert.deepEqual([sso.aud, sso.scp], [`api://botid-${demo.botAppId}`, 'access_as_user']);
      const exchanged = await client.exchangeToken(teamsUserId, connectionName, 'msteams', { token });
      const claims = jwt.decode(exchanged.token ?? '') as { oid: string; aud: string; appid: string };
      assert.deepEqual(
        [claims.oid, claims.aud, claims.appid],
        [userId('01'), 'https://graph.microsoft.com', demo.botAppId],
      );
      assert.equal(
        (await client.getUserToken(teamsUserId, connectionName, 'msteams', ''))?.token,
        exchanged.token,
      );
    });

    const refusals: [string, () => Promise<string>][] = [
      [
        'an expired token',
        () => ssoToken({ userPrincipalName: 'alexw@contoso.com', expiresInSeconds: -600 }),
      ],
      [
        'a token for another audience',
        () => ssoToken({ userPrincipalName: 'alexw@contoso.com', audience: 'api://other' }),
      ],
      [
        'a token signed by someone else',
        () => {
          const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
          return Promise.resolve(
            jwt.sign(
              {
                aud: `api://botid-${demo.botAppId}`,
                iss: `https://sts.windows.net/${demo.tenantId}/`,
                tid: demo.tenantId,
                oid: userId('01'),
                appid: '1fec8e78-bce4-4aaf-ab1b-5451cc387264',
                idtyp: 'user',
                scp: 'access_as_user',
              },
              privateKey.export({ format: 'pem', type: 'pkcs8' }),
              { algorithm: 'RS256', expiresIn: 600 },
            ),
          );
        },
      ],
      [
        'a Graph token',
        async () => (await h.userCredential('alexw@contoso.com').getToken('User.Read')).token,
      ],
      ['a disabled user’s token', () => ssoToken({ userPrincipalName: 'debrab@contoso.com' })],
      ['no token at all', () => Promise.resolve('')],
    ];
    for (const [name, make] of refusals) {
      it(`refuses ${name} with a 400 that leaves botbuilder without a token (so Teams shows the card)`, async () => {
        const token = await make();
        const response = await fetch(
          `${h.sim.url}/botframework/api/usertoken/exchange?userId=${encodeURIComponent(teamsUserId)}&connectionName=${connectionName}&channelId=msteams`,
          {
            method: 'POST',
            headers: {
              authorization: `Bearer ${(await h.appCredential().getToken('https://api.botframework.com/.default')).token}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify({ token }),
          },
        );
        assert.equal(response.status, 400);
        const exchanged = await client.exchangeToken(teamsUserId, connectionName, 'msteams', { token });
        assert.equal(exchanged.token, undefined);
        assert.equal(await client.getUserToken(teamsUserId, connectionName, 'msteams', ''), undefined);
      });
    }
  });
});
