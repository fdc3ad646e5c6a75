import assert from 'node:assert/strict';
import { ConfigError, loadConfig, loadStoreConfig } from '../../bot/config';

const TENANT = '6d1f0c54-2b8e-4f8a-9c3d-7e5a1b2c3d4e';
const APP = '11111111-2222-4333-8444-555555555555';

/** botbuilder's public-cloud constants (AuthenticationConstants), with Learn's token service. */
const PUBLIC_CLOUD = {
  channelService: '',
  validateAuthority: true,
  toChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  toChannelFromBotOAuthScope: 'https://api.botframework.com',
  toBotFromChannelTokenIssuer: 'https://api.botframework.com',
  toBotFromChannelOpenIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  toBotFromEmulatorOpenIdMetadataUrl:
    'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  oAuthUrl: 'https://token.botframework.com',
  callerId: 'urn:botframework:azure',
};

/** A complete production environment; each test breaks one thing. */
function productionEnvironment(): NodeJS.ProcessEnv {
  return {
    MicrosoftAppId: APP,
    MicrosoftAppPassword: 'bot-framework-secret',
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: TENANT,
    AZURE_TENANT_ID: TENANT,
    AZURE_CLIENT_ID: APP,
    AZURE_CLIENT_SECRET: 'graph-secret',
  };
}

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  return [];
}

describe('loadConfig', () => {
  it('accepts a complete single-tenant production environment with public-cloud defaults', () => {
    const config = loadConfig(productionEnvironment());
    assert.equal(config.port, 3978);
    assert.deepEqual(config.botAuthentication, {
      appId: APP,
      appPassword: 'bot-framework-secret',
      appType: 'SingleTenant',
      appTenantId: TENANT,
      cloud: PUBLIC_CLOUD,
    });
    assert.equal(config.tenantId, TENANT);
    assert.equal(config.graph.authorityHost, 'https://login.microsoftonline.com');
    assert.equal(config.graph.graphBaseUrl, 'https://graph.microsoft.com');
    assert.equal(config.passwordWritebackEnabled, false);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.graph.requestTimeoutMs, 10_000);
    assert.equal(config.clickBudgetMs, 20_000);
  });

  describe('abuse controls', () => {
    const GROUP = 'e1a0c000-0000-4000-8000-000000000007';
    const USER = 'E1A00000-0000-4000-8000-000000000002';

    it('defaults to 10 resets per agent per hour and 3 per user per day, no protected accounts, no group', () => {
      assert.deepEqual(loadConfig(productionEnvironment()).abuseControls, {
        rateLimits: { perAgentPerHour: 10, perTargetPerDay: 3 },
        protectedUserIds: [],
        protectedGroupIds: [],
        helpdeskGroupId: null,
      });
    });

    it('reads the limits (0 turns one off), the protected ids lower-cased and de-duplicated, and the group', () => {
      const config = loadConfig({
        ...productionEnvironment(),
        RATE_LIMIT_RESETS_PER_AGENT_PER_HOUR: '0',
        RATE_LIMIT_RESETS_PER_TARGET_PER_DAY: '5',
        PROTECTED_USER_IDS: ` ${USER}, ${USER.toLowerCase()},`,
        PROTECTED_GROUP_IDS: GROUP,
        HELPDESK_GROUP_ID: GROUP.toUpperCase(),
      });
      assert.deepEqual(config.abuseControls, {
        rateLimits: { perAgentPerHour: 0, perTargetPerDay: 5 },
        protectedUserIds: [USER.toLowerCase()],
        protectedGroupIds: [GROUP],
        helpdeskGroupId: GROUP,
      });
    });

    it('names each malformed setting', () => {
      const problems = problemsOf({
        ...productionEnvironment(),
        RATE_LIMIT_RESETS_PER_AGENT_PER_HOUR: '2.5',
        RATE_LIMIT_RESETS_PER_TARGET_PER_DAY: '-1',
        PROTECTED_USER_IDS: `${USER},alexw@contoso.com`,
        PROTECTED_GROUP_IDS: Array.from(
          { length: 21 },
          (_, n) => `e1a0c000-0000-4000-9000-${n.toString(16).padStart(12, '0')}`,
        ).join(','),
        HELPDESK_GROUP_ID: 'Helpdesk Agents',
      });
      assert.deepEqual(problems, [
        'RATE_LIMIT_RESETS_PER_AGENT_PER_HOUR must be a whole number (0 turns the limit off)',
        'RATE_LIMIT_RESETS_PER_TARGET_PER_DAY must be between 0 (no limit) and 1000',
        'PROTECTED_USER_IDS must be a comma-separated list of object ids (GUIDs)',
        'PROTECTED_GROUP_IDS may name at most 20 groups (nest more in one of them: membership is transitive)',
        'HELPDESK_GROUP_ID must be a GUID',
      ]);
    });
  });

  it('reads the click budget in seconds', () => {
    assert.equal(
      loadConfig({ ...productionEnvironment(), CLICK_BUDGET_SECONDS: '12.5' }).clickBudgetMs,
      12_500,
    );
  });

  it('reads the shutdown grace period in seconds, 25 by default', () => {
    assert.equal(loadConfig(productionEnvironment()).shutdownGraceMs, 25_000);
    assert.equal(
      loadConfig({ ...productionEnvironment(), SHUTDOWN_GRACE_SECONDS: '55' }).shutdownGraceMs,
      55_000,
    );
  });

  it('refuses to run without MicrosoftAppId unless the dangerous switch is set', () => {
    const env = { ...productionEnvironment(), MicrosoftAppId: '' };
    const problems = problemsOf(env);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /MicrosoftAppId is required.*BOT_DANGEROUSLY_ALLOW_UNAUTHENTICATED=true/s);

    const allowed = loadConfig({ ...env, BOT_DANGEROUSLY_ALLOW_UNAUTHENTICATED: 'true' });
    assert.equal(allowed.botAuthentication, null);
  });

  it('refuses the dangerous switch when NODE_ENV is production', () => {
    const problems = problemsOf({
      ...productionEnvironment(),
      MicrosoftAppId: undefined,
      BOT_DANGEROUSLY_ALLOW_UNAUTHENTICATED: 'true',
      NODE_ENV: 'production',
    });
    assert.ok(problems.some((problem) => /refused when NODE_ENV=production/.test(problem)));
  });

  const cases: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
    ['a missing AZURE_TENANT_ID', { AZURE_TENANT_ID: undefined }, /AZURE_TENANT_ID is required/],
    ['a malformed AZURE_TENANT_ID', { AZURE_TENANT_ID: 'contoso' }, /AZURE_TENANT_ID must be a GUID/],
    ['a malformed MicrosoftAppId', { MicrosoftAppId: 'my-bot' }, /MicrosoftAppId must be a GUID/],
    [
      'a multi-tenant app type',
      { MicrosoftAppType: 'MultiTenant' },
      /MicrosoftAppType must be SingleTenant or UserAssignedMSI/,
    ],
    ['a missing MicrosoftAppType', { MicrosoftAppType: undefined }, /MicrosoftAppType is required/],
    [
      'a missing MicrosoftAppTenantId',
      { MicrosoftAppTenantId: undefined },
      /MicrosoftAppTenantId is required/,
    ],
    [
      'a malformed MicrosoftAppTenantId',
      { MicrosoftAppTenantId: 'x' },
      /MicrosoftAppTenantId must be a GUID/,
    ],
    [
      'a single-tenant bot without password',
      { MicrosoftAppPassword: '' },
      /MicrosoftAppPassword is required/,
    ],
    [
      'a managed-identity bot with a password',
      { MicrosoftAppType: 'UserAssignedMSI' },
      /must be empty when MicrosoftAppType is UserAssignedMSI/,
    ],
    [
      'two different tenants',
      { MicrosoftAppTenantId: '99999999-2222-4333-8444-555555555555' },
      /must name the same tenant/,
    ],
    ['a malformed AZURE_CLIENT_ID', { AZURE_CLIENT_ID: 'client' }, /AZURE_CLIENT_ID must be a GUID/],
    ['a secret without client id', { AZURE_CLIENT_ID: undefined }, /AZURE_CLIENT_ID is required/],
    ['both a secret and a certificate', { AZURE_CLIENT_CERTIFICATE_PATH: '/etc/cert.pem' }, /not both/],
    [
      'a non-https authority host',
      { AZURE_AUTHORITY_HOST: 'http://login.example' },
      /AZURE_AUTHORITY_HOST must use https/,
    ],
    ['a malformed authority host', { AZURE_AUTHORITY_HOST: 'login' }, /AZURE_AUTHORITY_HOST must be a URL/],
    ['a non-https Graph URL', { GRAPH_BASE_URL: 'http://graph.example' }, /GRAPH_BASE_URL must use https/],
    [
      'a Graph timeout out of range',
      { GRAPH_TIMEOUT_SECONDS: '0' },
      /GRAPH_TIMEOUT_SECONDS must be between 1 and 120/,
    ],
    [
      'a Graph timeout that is not a number',
      { GRAPH_TIMEOUT_SECONDS: 'soon' },
      /GRAPH_TIMEOUT_SECONDS must be a number/,
    ],
    [
      'a click budget too short to report in time',
      { CLICK_BUDGET_SECONDS: '2' },
      /CLICK_BUDGET_SECONDS must be between 5 and 120/,
    ],
    [
      'a click budget longer than a card should spin',
      { CLICK_BUDGET_SECONDS: '600' },
      /CLICK_BUDGET_SECONDS must be between 5 and 120/,
    ],
    [
      'a click budget that is not a number',
      { CLICK_BUDGET_SECONDS: 'twenty' },
      /CLICK_BUDGET_SECONDS must be a number/,
    ],
    [
      'a shutdown that would not wait at all',
      { SHUTDOWN_GRACE_SECONDS: '0' },
      /SHUTDOWN_GRACE_SECONDS must be between 1 and 600/,
    ],
    [
      'a shutdown grace period that is not a number',
      { SHUTDOWN_GRACE_SECONDS: 'soon' },
      /SHUTDOWN_GRACE_SECONDS must be a number/,
    ],
    ['a port out of range', { PORT: '70000' }, /PORT must be between 0 and 65535/],
    ['a port that is not a number', { PORT: 'eighty' }, /PORT must be a number/],
    [
      'a malformed writeback flag',
      { PASSWORD_WRITEBACK_ENABLED: 'yes' },
      /PASSWORD_WRITEBACK_ENABLED must be "true" or "false"/,
    ],
    [
      'a malformed dangerous switch',
      { BOT_DANGEROUSLY_ALLOW_UNAUTHENTICATED: '1' },
      /BOT_DANGEROUSLY_ALLOW_UNAUTHENTICATED must be "true" or "false"/,
    ],
    ['an unknown log level', { LOG_LEVEL: 'verbose' }, /LOG_LEVEL must be one of/],
  ];
  for (const [name, change, expected] of cases) {
    it(`names the variable for ${name}`, () => {
      const problems = problemsOf({ ...productionEnvironment(), ...change });
      assert.ok(
        problems.some((problem) => expected.test(problem)),
        `expected a problem matching ${String(expected)}, got ${JSON.stringify(problems)}`,
      );
    });
  }

  it('lists every problem at once', () => {
    const problems = problemsOf({ MicrosoftAppId: 'x', AZURE_TENANT_ID: 'y', PORT: '-1' });
    assert.ok(problems.length >= 3, JSON.stringify(problems));
  });

  it('never echoes a secret value in its messages', () => {
    const problems = problemsOf({
      ...productionEnvironment(),
      MicrosoftAppTenantId: 'nope',
      AZURE_CLIENT_CERTIFICATE_PATH: '/c',
    });
    assert.ok(problems.length > 0);
    for (const problem of problems) {
      assert.ok(!problem.includes('bot-framework-secret') && !problem.includes('graph-secret'), problem);
    }
  });

  it('accepts a simulator setup: custom https hosts, no bot authentication, writeback declared', () => {
    const config = loadConfig({
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: APP,
      AZURE_CLIENT_SECRET: 's',
      AZURE_AUTHORITY_HOST: 'https://127.0.0.1:8443/',
      GRAPH_BASE_URL: 'https://127.0.0.1:8443',
      BOT_DANGEROUSLY_ALLOW_UNAUTHENTICATED: 'true',
      PASSWORD_WRITEBACK_ENABLED: 'true',
      RESET_AS: 'agent',
      OAUTH_CONNECTION_NAME: 'GraphConnection',
      OAuthUrl: 'https://127.0.0.1:8443/botframework/',
      PORT: '4000',
    });
    assert.equal(config.graph.authorityHost, 'https://127.0.0.1:8443');
    assert.equal(config.graph.graphBaseUrl, 'https://127.0.0.1:8443');
    assert.equal(config.port, 4000);
    assert.equal(config.passwordWritebackEnabled, true);
    // Without MicrosoftAppId the token service is called as the Graph app registration.
    assert.deepEqual(config.agentSignIn, {
      connectionName: 'GraphConnection',
      tokenServiceUrl: 'https://127.0.0.1:8443/botframework',
      credential: {
        tenantId: TENANT,
        clientId: APP,
        clientSecret: 's',
        clientCertificatePath: undefined,
        authorityHost: 'https://127.0.0.1:8443',
      },
    });
  });

  describe('who resets (RESET_AS)', () => {
    it('defaults to the bot, with no sign-in', () => {
      const config = loadConfig(productionEnvironment());
      assert.equal(config.resetAs, 'bot');
      assert.equal(config.agentSignIn, null);
    });

    it('signs agents in through the public token service as the Azure Bot app registration', () => {
      const config = loadConfig({
        ...productionEnvironment(),
        RESET_AS: 'agent',
        OAUTH_CONNECTION_NAME: 'GraphConnection',
      });
      assert.equal(config.resetAs, 'agent');
      assert.deepEqual(config.agentSignIn, {
        connectionName: 'GraphConnection',
        tokenServiceUrl: 'https://token.botframework.com',
        credential: {
          tenantId: TENANT,
          clientId: APP,
          clientSecret: 'bot-framework-secret',
          authorityHost: 'https://login.microsoftonline.com',
        },
      });
    });

    it('uses the bot managed identity for the token service when the bot has one', () => {
      const config = loadConfig({
        ...productionEnvironment(),
        MicrosoftAppType: 'UserAssignedMSI',
        MicrosoftAppPassword: '',
        RESET_AS: 'agent',
        OAUTH_CONNECTION_NAME: 'GraphConnection',
      });
      assert.equal(config.agentSignIn?.credential.clientSecret, undefined);
      assert.equal(config.agentSignIn?.credential.clientId, APP);
    });

    it('needs the OAuth connection name in agent mode', () => {
      assert.deepEqual(problemsOf({ ...productionEnvironment(), RESET_AS: 'agent' }), [
        "OAUTH_CONNECTION_NAME is required when RESET_AS=agent: the name of the Azure Bot's OAuth connection agents sign in with",
      ]);
    });

    it('says that password writeback needs agent mode', () => {
      const problems = problemsOf({ ...productionEnvironment(), PASSWORD_WRITEBACK_ENABLED: 'true' });
      assert.equal(problems.length, 1);
      assert.match(problems[0] ?? '', /PASSWORD_WRITEBACK_ENABLED=true needs RESET_AS=agent/);
    });

    it('refuses an unknown mode and a token service that is not https', () => {
      assert.match(
        problemsOf({ ...productionEnvironment(), RESET_AS: 'user' }).join(),
        /RESET_AS must be "bot" or "agent"/,
      );
      assert.match(
        problemsOf({
          ...productionEnvironment(),
          RESET_AS: 'agent',
          OAUTH_CONNECTION_NAME: 'c',
          OAuthUrl: 'http://token.example',
        }).join(),
        /OAuthUrl must use https/,
      );
    });
  });

  describe("Bot Framework cloud settings (botbuilder's names)", () => {
    const cloudOf = (env: NodeJS.ProcessEnv) =>
      loadConfig({ ...productionEnvironment(), ...env }).botAuthentication?.cloud;

    it('takes US Government values from ChannelService alone (botbuilder GovernmentConstants)', () => {
      assert.deepEqual(cloudOf({ ChannelService: 'https://botframework.azure.us' }), {
        channelService: 'https://botframework.azure.us',
        validateAuthority: true,
        toChannelFromBotLoginUrl: 'https://login.microsoftonline.us/MicrosoftServices.onmicrosoft.us',
        toChannelFromBotOAuthScope: 'https://api.botframework.us',
        toBotFromChannelTokenIssuer: 'https://api.botframework.us',
        toBotFromChannelOpenIdMetadataUrl:
          'https://login.botframework.azure.us/v1/.well-known/openidconfiguration',
        toBotFromEmulatorOpenIdMetadataUrl:
          'https://login.microsoftonline.us/cab8a31a-1906-4287-a0d8-4eef66b95f6e/v2.0/.well-known/openid-configuration',
        oAuthUrl: 'https://api.botframework.azure.us',
        callerId: 'urn:botframework:azureusgov',
      });
    });

    it("overrides one value over the cloud's defaults, as written (GCC High's token service)", () => {
      const cloud = cloudOf({
        ChannelService: 'https://botframework.azure.us',
        OAuthUrl: 'https://tokengcch.botframework.azure.us/',
        ValidateAuthority: 'false',
        CallerId: 'urn:botframework:custom',
      });
      assert.equal(cloud?.oAuthUrl, 'https://tokengcch.botframework.azure.us');
      assert.equal(cloud?.toBotFromChannelTokenIssuer, 'https://api.botframework.us');
      assert.equal(cloud?.validateAuthority, false);
      assert.equal(cloud?.callerId, 'urn:botframework:custom');
    });

    it('uses one OAuthUrl for the adapter and for agent sign-in', () => {
      const config = loadConfig({
        ...productionEnvironment(),
        RESET_AS: 'agent',
        OAUTH_CONNECTION_NAME: 'c',
        OAuthUrl: 'https://europe.token.botframework.com',
      });
      assert.equal(config.botAuthentication?.cloud.oAuthUrl, 'https://europe.token.botframework.com');
      assert.equal(config.agentSignIn?.tokenServiceUrl, 'https://europe.token.botframework.com');
    });

    it('allows plain http to a loopback host only (a local OpenID stand-in)', () => {
      assert.equal(
        cloudOf({
          ToBotFromChannelOpenIdMetadataUrl: 'http://127.0.0.1:4999/v1/.well-known/openidconfiguration',
        })?.toBotFromChannelOpenIdMetadataUrl,
        'http://127.0.0.1:4999/v1/.well-known/openidconfiguration',
      );
      assert.ok(cloudOf({ ToBotFromChannelOpenIdMetadataUrl: 'http://localhost:4999/keys' }));
      assert.ok(cloudOf({ ToBotFromChannelOpenIdMetadataUrl: 'http://[::1]:4999/keys' }));
    });

    const refusals: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
      [
        'plain http to another host',
        {
          ToBotFromChannelOpenIdMetadataUrl:
            'http://login.botframework.example/v1/.well-known/openidconfiguration',
        },
        /ToBotFromChannelOpenIdMetadataUrl must use https \(http only to localhost, 127\.0\.0\.1 or \[::1\]\)/,
      ],
      [
        'a relative URL',
        { ToChannelFromBotLoginUrl: '/botframework.com' },
        /ToChannelFromBotLoginUrl must be an absolute URL/,
      ],
      [
        'an issuer that is not a URL',
        { ToBotFromChannelTokenIssuer: 'botframework' },
        /ToBotFromChannelTokenIssuer must be an absolute URL/,
      ],
      [
        'another scheme',
        { ToChannelFromBotOAuthScope: 'ftp://api.botframework.com' },
        /ToChannelFromBotOAuthScope must use https/,
      ],
      [
        'a non-https Emulator document',
        { ToBotFromEmulatorOpenIdMetadataUrl: 'http://10.0.0.1/x' },
        /ToBotFromEmulatorOpenIdMetadataUrl must use https/,
      ],
      [
        'a non-https ChannelService',
        { ChannelService: 'http://botframework.azure.us' },
        /ChannelService must use https/,
      ],
      [
        'ValidateAuthority other than true/false',
        { ValidateAuthority: 'yes' },
        /ValidateAuthority must be "true" or "false"/,
      ],
    ];
    for (const [name, env, message] of refusals) {
      it(`refuses ${name}`, () => {
        assert.match(problemsOf({ ...productionEnvironment(), ...env }).join('\n'), message);
      });
    }

    it('needs every value for a cloud botbuilder has no constants for (21Vianet), naming the missing ones', () => {
      const problems = problemsOf({
        ...productionEnvironment(),
        ChannelService: 'https://botframework.azure.cn',
        ToBotFromChannelTokenIssuer: 'https://api.botframework.azure.cn',
      });
      assert.deepEqual(problems.length, 1);
      assert.match(
        problems[0] ?? '',
        /set ToChannelFromBotLoginUrl, ToChannelFromBotOAuthScope, ToBotFromChannelOpenIdMetadataUrl, ToBotFromEmulatorOpenIdMetadataUrl, OAuthUrl, CallerId too/,
      );
    });

    it("accepts 21Vianet's values from Learn, every one given", () => {
      const cloud = cloudOf({
        ChannelService: 'https://botframework.azure.cn',
        OAuthUrl: 'https://token.botframework.azure.cn/',
        ToChannelFromBotLoginUrl: `https://login.partner.microsoftonline.cn/${TENANT}`,
        ToChannelFromBotOAuthScope: 'https://api.botframework.azure.cn',
        ToBotFromChannelTokenIssuer: 'https://api.botframework.azure.cn',
        ToBotFromChannelOpenIdMetadataUrl:
          'https://login.botframework.azure.cn/v1/.well-known/openidconfiguration',
        ToBotFromEmulatorOpenIdMetadataUrl:
          'https://login.partner.microsoftonline.cn/a55a4d5b-9241-49b1-b4ff-befa8db00269/v2.0/.well-known/openid-configuration',
        CallerId: 'urn:botframework:azurecn',
      });
      assert.equal(cloud?.toBotFromChannelTokenIssuer, 'https://api.botframework.azure.cn');
      assert.equal(cloud?.oAuthUrl, 'https://token.botframework.azure.cn');
    });
  });
});

describe('loadConfig: caller verification and ticket reference', () => {
  it('asks for both, optionally, by default, so that an upgraded deployment keeps working', () => {
    assert.deepEqual(loadConfig(productionEnvironment()).verification, {
      callerVerification: 'optional',
      ticketReference: 'optional',
    });
  });

  for (const value of ['off', 'optional', 'required'] as const) {
    it(`reads CALLER_VERIFICATION and TICKET_REFERENCE "${value}"`, () => {
      const config = loadConfig({
        ...productionEnvironment(),
        CALLER_VERIFICATION: value,
        TICKET_REFERENCE: ` ${value} `,
      });
      assert.deepEqual(config.verification, { callerVerification: value, ticketReference: value });
    });
  }

  it('takes each setting on its own', () => {
    const config = loadConfig({ ...productionEnvironment(), CALLER_VERIFICATION: 'required' });
    assert.deepEqual(config.verification, { callerVerification: 'required', ticketReference: 'optional' });
  });

  it('names the variable for any other value, both at once', () => {
    const problems = problemsOf({
      ...productionEnvironment(),
      CALLER_VERIFICATION: 'yes',
      TICKET_REFERENCE: 'Required',
    });
    assert.deepEqual(problems, [
      'CALLER_VERIFICATION must be "off", "optional" or "required"',
      'TICKET_REFERENCE must be "off", "optional" or "required"',
    ]);
  });
});

describe('loadConfig: the state store', () => {
  it('keeps state in a SQLite file under data/ by default, with audit records for 400 days', () => {
    assert.deepEqual(loadConfig(productionEnvironment()).store, {
      kind: 'sqlite',
      file: 'data/helpdesk-reset.sqlite',
      auditRetentionDays: 400,
    });
  });

  it('takes another SQLite file and retention', () => {
    const config = loadConfig({
      ...productionEnvironment(),
      STATE_SQLITE_FILE: '/var/lib/helpdesk-reset/state.sqlite',
      AUDIT_RETENTION_DAYS: '730',
    });
    assert.deepEqual(config.store, {
      kind: 'sqlite',
      file: '/var/lib/helpdesk-reset/state.sqlite',
      auditRetentionDays: 730,
    });
  });

  it('reaches Blob storage by connection string, with default containers', () => {
    const config = loadConfig({
      ...productionEnvironment(),
      STATE_STORE: 'blob',
      STATE_BLOB_CONNECTION_STRING: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k;',
    });
    assert.deepEqual(config.store, {
      kind: 'blob',
      connection: { connectionString: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k;' },
      stateContainer: 'helpdesk-reset-state',
      auditContainer: 'helpdesk-reset-audit',
      auditRetentionDays: 400,
    });
  });

  it('reaches Blob storage by account URL (the bot identity signs in), with containers of its choosing', () => {
    const config = loadConfig({
      ...productionEnvironment(),
      STATE_STORE: 'blob',
      STATE_BLOB_ACCOUNT_URL: 'https://contosohelpdesk.blob.core.windows.net/',
      STATE_BLOB_CONTAINER: 'reset-state',
      AUDIT_BLOB_CONTAINER: 'reset-audit-2026',
    });
    assert.deepEqual(config.store, {
      kind: 'blob',
      connection: { accountUrl: 'https://contosohelpdesk.blob.core.windows.net' },
      stateContainer: 'reset-state',
      auditContainer: 'reset-audit-2026',
      auditRetentionDays: 400,
    });
  });

  for (const [name, env, expected] of [
    ['an unknown store', { STATE_STORE: 'redis' }, /STATE_STORE must be "sqlite" or "blob"/],
    ['blob without a connection', { STATE_STORE: 'blob' }, /needs exactly one of/],
    [
      'blob with both connections',
      {
        STATE_STORE: 'blob',
        STATE_BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true',
        STATE_BLOB_ACCOUNT_URL: 'https://a.blob.core.windows.net',
      },
      /needs exactly one of/,
    ],
    [
      'an account URL over http',
      { STATE_STORE: 'blob', STATE_BLOB_ACCOUNT_URL: 'http://a.blob.core.windows.net' },
      /STATE_BLOB_ACCOUNT_URL must use https/,
    ],
    [
      'blob settings without STATE_STORE=blob',
      { STATE_BLOB_CONNECTION_STRING: 'x' },
      /is set but STATE_STORE is not "blob"/,
    ],
    [
      'a container name Azure refuses',
      { STATE_BLOB_CONTAINER: 'Reset_State' },
      /STATE_BLOB_CONTAINER must be 3 to 63/,
    ],
    ['one container for both', { STATE_BLOB_CONTAINER: 'same', AUDIT_BLOB_CONTAINER: 'same' }, /must differ/],
    [
      'a retention of 0 days',
      { AUDIT_RETENTION_DAYS: '0' },
      /AUDIT_RETENTION_DAYS must be between 1 and 3650/,
    ],
    [
      'a retention that is not a number',
      { AUDIT_RETENTION_DAYS: 'forever' },
      /AUDIT_RETENTION_DAYS must be a whole number/,
    ],
  ] as const) {
    it(`refuses ${name}, with the other problems of the environment`, () => {
      const problems = problemsOf({ ...productionEnvironment(), AZURE_TENANT_ID: 'not-a-guid', ...env });
      assert.ok(
        problems.some((problem) => expected.test(problem)),
        problems.join('\n'),
      );
      assert.ok(problems.some((problem) => /AZURE_TENANT_ID must be a GUID/.test(problem)));
    });
  }

  it('reads the store settings alone for tools beside the bot (npm run audit)', () => {
    assert.deepEqual(loadStoreConfig({ STATE_SQLITE_FILE: 'x.sqlite' }), {
      kind: 'sqlite',
      file: 'x.sqlite',
      auditRetentionDays: 400,
    });
  });
});
