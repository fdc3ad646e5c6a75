import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { CheckResult, Verdict } from '../../doctor/checks';
import { hasBlocking } from '../../doctor/checks';
import { runDoctor } from '../../doctor/runDoctor';
import { REQUIRED_GRAPH_PERMISSIONS, requiredGraphPermissions } from '../../graph/permissions';
import { startSimulator, stateFiles, type RunningSimulator } from '../../simulator';
import { simulatorControl } from '../support/simulatorControl';

const TENANT_ID = '6d1f0c54-2b8e-4f8a-9c3d-7e5a1b2c3d4e';
const BOT_APP_ID = '3f2c8a1e-5b7d-4e9f-a0c1-d2e3f4a5b6c7';
const BOT_SECRET = 'sim-demo-client-secret';
const HELPDESK_SERVED_UNIT = 'e1a0a000-0000-4000-8000-000000000003';
const ROLE = {
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  helpdeskAdministrator: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  passwordAdministrator: '966707d0-3269-4727-9be2-8c3a10f19b9d',
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  privilegedAuthenticationAdministrator: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  directoryReaders: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
  reportsReader: '4a5d8f65-41da-4de4-8968-e035b65339cf',
};
const ROLE_CHECK = "Directory role of the bot's service principal";
const PIM_CHECK = 'PIM (Entra ID P2 or Governance)';
const OAUTH_CHECK = 'Agent sign-in (OAuth connection)';
const PASSWORD_PROFILE = 'User-PasswordProfile.ReadWrite.All';
const CONNECTION = 'GraphConnection';
/** Another app registration of the tenant: not the Azure Bot's, so the token service refuses it. */
const REPORTS_APP_ID = '5b1e7d2a-8c4f-4b6e-9a3d-2f1c0e9b8a7d';
const REPORTS_SECRET = 'sim-reports-client-secret';

/**
 * `npm run doctor` against the simulated tenant: the demo deployment passes, and each thing a real deployment
 * gets wrong (set up through the simulator's control API) is reported with its verdict and a fix.
 */
describe('npm run doctor (the preflight) against the simulated tenant', function () {
  this.timeout(60_000);

  let simulator: RunningSimulator;

  before(async () => {
    simulator = await startSimulator({ port: 0 });
  });
  after(async () => {
    await simulator?.close();
  });
  beforeEach(async () => {
    await control('POST', 'reset');
  });

  async function control(method: string, path: string, body?: unknown): Promise<void> {
    await simulatorControl(simulator, method, `/_sim/${path}`, body);
  }

  const grant = (applicationPermissions: string[]) =>
    control('PUT', `apps/${BOT_APP_ID}/permissions`, { applicationPermissions });
  const assignRoles = (roleAssignments: { roleDefinitionId: string; directoryScopeId?: string }[]) =>
    control('PUT', `apps/${BOT_APP_ID}/roles`, { roleAssignments });

  /** The bot's configuration for the demo deployment, as an administrator would write it in .env. */
  function environment(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    const env: Record<string, string | undefined> = {
      AZURE_TENANT_ID: TENANT_ID,
      AZURE_CLIENT_ID: BOT_APP_ID,
      AZURE_CLIENT_SECRET: BOT_SECRET,
      AZURE_AUTHORITY_HOST: simulator.url,
      GRAPH_BASE_URL: simulator.url,
      MicrosoftAppId: BOT_APP_ID,
      MicrosoftAppPassword: BOT_SECRET,
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: TENANT_ID,
      ...overrides,
    };
    return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
  }

  function row(results: CheckResult[], check: string): CheckResult {
    const found = results.find((r) => r.check === check);
    assert.ok(found, `no row "${check}" in ${results.map((r) => r.check).join(', ')}`);
    return found;
  }

  function assertVerdict(
    results: CheckResult[],
    check: string,
    verdict: Verdict,
    detail?: RegExp,
  ): CheckResult {
    const found = row(results, check);
    assert.equal(found.verdict, verdict, `${check}: ${found.detail}`);
    if (detail) assert.match(found.detail, detail);
    if (verdict === 'blocking' || verdict === 'warning')
      assert.notEqual(found.fix, '', `${check} needs a fix`);
    return found;
  }

  /** Every check other than `except` is ok: each failure below is reported alone. */
  function assertOthersOk(results: CheckResult[], ...except: string[]): void {
    for (const r of results.filter((r) => !except.includes(r.check))) {
      assert.equal(r.verdict, 'ok', `${r.check}: ${r.verdict} — ${r.detail}`);
    }
  }

  function assertNoSecret(results: CheckResult[]): void {
    const text = JSON.stringify(results);
    for (const secret of [BOT_SECRET, 'not-the-secret', 'eyJ']) assert.ok(!text.includes(secret), secret);
  }

  it('passes the demo deployment: every check ok, nothing blocking', async () => {
    const results = await runDoctor(environment());

    assertOthersOk(results);
    assert.equal(hasBlocking(results), false);
    assertVerdict(results, 'Graph sign-in', 'ok', /service principal 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/);
    assertVerdict(
      results,
      ROLE_CHECK,
      'ok',
      new RegExp(`User Administrator scoped to administrative unit ${HELPDESK_SERVED_UNIT}`),
    );
    assertVerdict(results, PIM_CHECK, 'ok', /^licensed/);
    assertVerdict(results, 'Bot Framework credentials', 'ok', /api\.botframework\.com/);
    for (const permission of REQUIRED_GRAPH_PERMISSIONS) {
      assertVerdict(results, `Graph permission ${permission.name}`, 'ok');
    }
    assertNoSecret(results);
  });

  describe('RESET_AS=bot (the default) is checked as before', () => {
    it('neither asks the token service nor checks an OAuth connection, even when one is named', async () => {
      const results = await runDoctor(environment({ OAUTH_CONNECTION_NAME: 'NoSuchConnection' }));

      assert.equal(
        results.find((r) => r.check === OAUTH_CHECK),
        undefined,
        'no OAuth connection row in bot mode',
      );
      assertOthersOk(results);
    });

    it(`still blocks without ${PASSWORD_PROFILE} and without a role that may change passwords`, async () => {
      await grant(requiredGraphPermissions('agent').map((p) => p.name));
      await assignRoles([{ roleDefinitionId: ROLE.directoryReaders }]);

      const results = await runDoctor(environment({ RESET_AS: 'bot' }));

      assertVerdict(results, `Graph permission ${PASSWORD_PROFILE}`, 'blocking', /not granted/);
      assertVerdict(results, ROLE_CHECK, 'blocking', /Directory Readers tenant-wide, none of which/);
      assertOthersOk(results, `Graph permission ${PASSWORD_PROFILE}`, ROLE_CHECK);
    });
  });

  describe('RESET_AS=agent (the signed-in agent changes the password)', () => {
    /** The bot's settings for agent mode, against the simulated token service. */
    const agentEnvironment = (overrides: Record<string, string | undefined> = {}) =>
      environment({
        RESET_AS: 'agent',
        OAUTH_CONNECTION_NAME: CONNECTION,
        OAuthUrl: `${simulator.url}/botframework`,
        ...overrides,
      });
    /** What agent mode needs of the bot itself: its Graph permissions, and no role that manages passwords. */
    const leastForAgentMode = async () => {
      await grant(requiredGraphPermissions('agent').map((p) => p.name));
      await assignRoles([{ roleDefinitionId: ROLE.directoryReaders }]);
    };

    it(`passes with the right connection, without ${PASSWORD_PROFILE} or a role that may change passwords`, async () => {
      await leastForAgentMode();

      const results = await runDoctor(agentEnvironment());

      assertOthersOk(results);
      assert.equal(hasBlocking(results), false);
      const connection = assertVerdict(results, OAUTH_CHECK, 'ok', /knows the connection "GraphConnection"/);
      assert.match(
        connection.detail,
        /delegated Microsoft Graph permission UserAuthenticationMethod\.ReadWrite\.All/,
      );
      assert.match(connection.detail, /openid, profile, offline_access/);
      assertVerdict(results, `Graph permission ${PASSWORD_PROFILE}`, 'ok', /not granted, and not needed/);
      assertVerdict(
        results,
        ROLE_CHECK,
        'ok',
        /Directory Readers tenant-wide, no role that manages passwords/,
      );
      assertVerdict(results, 'Configuration', 'ok', /RESET_AS=agent/);
      assertNoSecret(results);
    });

    it('passes with no directory role at all: the bot only reads and revokes sessions, with its permissions', async () => {
      await grant(requiredGraphPermissions('agent').map((p) => p.name));
      await assignRoles([]);

      const results = await runDoctor(agentEnvironment());

      assertVerdict(results, ROLE_CHECK, 'ok', /holds no directory role/);
      assertOthersOk(results);
    });

    it(`warns, without blocking, that ${PASSWORD_PROFILE} and User Administrator are more than agent mode needs`, async () => {
      // The demo deployment is set up for bot mode: it holds both.
      const results = await runDoctor(agentEnvironment());

      const permission = assertVerdict(
        results,
        `Graph permission ${PASSWORD_PROFILE}`,
        'warning',
        /granted, but more than RESET_AS=agent needs/,
      );
      assert.match(permission.fix, /Remove User-PasswordProfile\.ReadWrite\.All/);
      const role = assertVerdict(
        results,
        ROLE_CHECK,
        'warning',
        /User Administrator scoped to administrative unit/,
      );
      assert.match(role.detail, /more than RESET_AS=agent needs/);
      assert.match(role.fix, /Remove User Administrator/);
      assertOthersOk(results, `Graph permission ${PASSWORD_PROFILE}`, ROLE_CHECK);
      assert.equal(hasBlocking(results), false);
    });

    it('blocks on an OAUTH_CONNECTION_NAME the Azure Bot does not have, and says how to create it', async () => {
      await leastForAgentMode();

      const results = await runDoctor(agentEnvironment({ OAUTH_CONNECTION_NAME: 'NoSuchConnection' }));

      const found = assertVerdict(
        results,
        OAUTH_CHECK,
        'blocking',
        /does not know the connection "NoSuchConnection"/,
      );
      assert.match(found.detail, /400/);
      assert.match(found.fix, /Add OAuth Connection Settings: name "NoSuchConnection"/);
      assert.match(found.fix, /Azure Active Directory v2/);
      assert.match(found.fix, new RegExp(`Token Exchange URL api://botid-${BOT_APP_ID}`));
      assert.match(
        found.fix,
        /scopes "openid profile offline_access UserAuthenticationMethod\.ReadWrite\.All"/,
      );
      assert.match(
        found.fix,
        /delegated Microsoft Graph permission UserAuthenticationMethod\.ReadWrite\.All/,
      );
      assertOthersOk(results, OAUTH_CHECK);
      assert.equal(hasBlocking(results), true);
    });

    it('blocks when the token service refuses the bot: another app registration than the Azure Bot’s', async () => {
      await leastForAgentMode();

      const results = await runDoctor(
        agentEnvironment({ MicrosoftAppId: REPORTS_APP_ID, MicrosoftAppPassword: REPORTS_SECRET }),
      );

      const found = assertVerdict(
        results,
        OAUTH_CHECK,
        'blocking',
        /cannot authenticate to the token service/,
      );
      assert.match(found.detail, /401/);
      assert.match(found.fix, /MicrosoftAppId is the Azure Bot's Microsoft App ID/);
      assert.match(found.fix, /OAuthUrl/);
      assertNoSecret(results);
    });

    it('blocks when the bot cannot get a token for the token service (wrong MicrosoftAppPassword)', async () => {
      await leastForAgentMode();

      const results = await runDoctor(agentEnvironment({ MicrosoftAppPassword: 'not-the-secret' }));

      const found = assertVerdict(
        results,
        OAUTH_CHECK,
        'blocking',
        /cannot authenticate to the token service/,
      );
      assert.match(found.detail, /AADSTS7000215/);
      assert.match(found.fix, /MicrosoftAppPassword/);
      assertOthersOk(results, OAUTH_CHECK, 'Bot Framework credentials');
      assertNoSecret(results);
    });
  });

  describe('Graph sign-in', () => {
    it('blocks on a wrong AZURE_CLIENT_SECRET (AADSTS7000215), and skips what needs a token', async () => {
      const results = await runDoctor(environment({ AZURE_CLIENT_SECRET: 'not-the-secret' }));

      const signIn = assertVerdict(results, 'Graph sign-in', 'blocking', /AADSTS7000215/);
      assert.match(signIn.fix, /AZURE_CLIENT_SECRET/);
      assert.match(signIn.fix, /Value \(not its Secret ID\)/);
      for (const check of [
        ROLE_CHECK,
        PIM_CHECK,
        ...REQUIRED_GRAPH_PERMISSIONS.map((p) => `Graph permission ${p.name}`),
      ]) {
        assertVerdict(results, check, 'skipped');
      }
      assert.equal(hasBlocking(results), true);
      assertNoSecret(results);
    });

    it('signs in with a certificate as the bot would (AZURE_CLIENT_CERTIFICATE_PATH)', async () => {
      const results = await runDoctor(
        environment({
          AZURE_CLIENT_SECRET: undefined,
          AZURE_CLIENT_CERTIFICATE_PATH: path.resolve('.sim-state', stateFiles.appClientCert),
        }),
      );
      assertVerdict(results, 'Graph sign-in', 'ok', /with a certificate/);
      assertOthersOk(results);
    });

    it('blocks on an AZURE_CLIENT_ID the tenant does not know (AADSTS700016)', async () => {
      const results = await runDoctor(
        environment({ AZURE_CLIENT_ID: '00000000-0000-4000-8000-000000000001' }),
      );
      const signIn = assertVerdict(results, 'Graph sign-in', 'blocking', /not registered in tenant/);
      assert.match(signIn.fix, /AZURE_CLIENT_ID/);
    });

    it('blocks on an AZURE_TENANT_ID Entra does not know', async () => {
      const otherTenant = '00000000-0000-4000-8000-0000000000aa';
      const results = await runDoctor(
        environment({ AZURE_TENANT_ID: otherTenant, MicrosoftAppTenantId: otherTenant }),
      );
      const signIn = assertVerdict(results, 'Graph sign-in', 'blocking', /no sign-in endpoints for tenant/);
      assert.match(signIn.fix, /AZURE_TENANT_ID/);
    });

    it('blocks on a configuration the bot would refuse to start with, naming each variable', async () => {
      const results = await runDoctor(
        environment({ AZURE_TENANT_ID: undefined, MicrosoftAppType: 'MultiTenant' }),
      );
      assert.equal(results.length, 1);
      const config = assertVerdict(results, 'Configuration', 'blocking', /AZURE_TENANT_ID is required/);
      assert.match(config.detail, /MicrosoftAppType must be SingleTenant or UserAssignedMSI/);
    });
  });

  describe('Graph application permissions (read from the token’s roles)', () => {
    const needed = REQUIRED_GRAPH_PERMISSIONS.map((p) => p.name);

    for (const missing of needed) {
      it(`blocks when ${missing} is not granted, and says how to grant it`, async () => {
        await grant(needed.filter((p) => p !== missing));

        const results = await runDoctor(environment());

        const found = assertVerdict(results, `Graph permission ${missing}`, 'blocking', /not granted/);
        assert.match(found.fix, new RegExp(`Application permissions → ${missing.replace(/\./g, '\\.')}`));
        assert.match(found.fix, /Grant admin consent/);
        // Without RoleManagement.Read.Directory the role and PIM checks cannot read anything.
        const cannotRead = missing === 'RoleManagement.Read.Directory' ? [ROLE_CHECK, PIM_CHECK] : [];
        for (const check of cannotRead) assertVerdict(results, check, 'skipped', /403/);
        assertOthersOk(results, `Graph permission ${missing}`, ...cannotRead);
      });
    }

    it('warns when a broader permission stands in for one the bot needs, and about permissions beyond need', async () => {
      await grant([...needed.filter((p) => p !== 'User.Read.All'), 'Directory.Read.All']);

      const results = await runDoctor(environment());

      assertVerdict(results, 'Graph permission User.Read.All', 'warning', /Directory\.Read\.All covers it/);
      assertVerdict(results, 'Graph permissions beyond need', 'warning', /Directory\.Read\.All/);
      assert.equal(hasBlocking(results), false);
    });
  });

  describe("the bot's directory role", () => {
    const cases: [string, { roleDefinitionId: string; directoryScopeId?: string }[], Verdict, RegExp][] = [
      ['no role at all', [], 'blocking', /holds no directory role/],
      [
        'Helpdesk Administrator tenant-wide (too low for an app)',
        [{ roleDefinitionId: ROLE.helpdeskAdministrator }],
        'blocking',
        /Helpdesk Administrator tenant-wide: not enough/,
      ],
      [
        'Password Administrator tenant-wide (too low for an app)',
        [{ roleDefinitionId: ROLE.passwordAdministrator }],
        'blocking',
        /Password Administrator tenant-wide: not enough/,
      ],
      [
        'a role that cannot reset at all',
        [{ roleDefinitionId: ROLE.reportsReader }],
        'blocking',
        /Reports Reader tenant-wide, none of which/,
      ],
      [
        'User Administrator scoped to a unit, without a tenant-wide read role',
        [
          {
            roleDefinitionId: ROLE.userAdministrator,
            directoryScopeId: `/administrativeUnits/${HELPDESK_SERVED_UNIT}`,
          },
        ],
        'blocking',
        /no tenant-wide role that reads the directory/,
      ],
      [
        'User Administrator tenant-wide',
        [{ roleDefinitionId: ROLE.userAdministrator }],
        'ok',
        /User Administrator tenant-wide/,
      ],
      [
        'Global Administrator',
        [{ roleDefinitionId: ROLE.globalAdministrator }],
        'warning',
        /Global Administrator tenant-wide: resets work, but/,
      ],
      [
        'Privileged Authentication Administrator',
        [{ roleDefinitionId: ROLE.privilegedAuthenticationAdministrator }],
        'warning',
        /any administrator, Global Administrators included/,
      ],
    ];
    for (const [name, roles, verdict, detail] of cases) {
      it(`reports ${name} as ${verdict}`, async () => {
        await assignRoles(roles);

        const results = await runDoctor(environment());

        assertVerdict(results, ROLE_CHECK, verdict, detail);
        assertOthersOk(results, ROLE_CHECK);
        assert.equal(hasBlocking(results), verdict === 'blocking');
      });
    }

    it('names the fix for a too-low role: User Administrator scoped to a unit, Directory Readers tenant-wide', async () => {
      await assignRoles([{ roleDefinitionId: ROLE.helpdeskAdministrator }]);
      const found = row(await runDoctor(environment()), ROLE_CHECK);
      assert.match(found.fix, /User Administrator scoped to an administrative unit/);
      assert.match(found.fix, /Directory Readers tenant-wide/);
      assert.match(found.fix, /remove Helpdesk Administrator/);
    });
  });

  describe('PIM licence', () => {
    it('reports a P1 tenant as not licensed, informationally: eligible roles do not exist there', async () => {
      await control('PUT', 'licence', { licence: 'P1' });

      const results = await runDoctor(environment());

      assertVerdict(results, PIM_CHECK, 'ok', /not licensed: eligible roles don't exist/);
      assert.equal(hasBlocking(results), false);
    });
  });

  describe('Bot Framework credentials', () => {
    it('blocks on a wrong MicrosoftAppPassword (AADSTS7000215), naming the variable', async () => {
      const results = await runDoctor(environment({ MicrosoftAppPassword: 'not-the-secret' }));

      const found = assertVerdict(results, 'Bot Framework credentials', 'blocking', /AADSTS7000215/);
      assert.match(found.fix, /MicrosoftAppPassword/);
      assertOthersOk(results, 'Bot Framework credentials');
      assertNoSecret(results);
    });

    it('blocks on a MicrosoftAppId the tenant does not know', async () => {
      const results = await runDoctor(
        environment({ MicrosoftAppId: '00000000-0000-4000-8000-000000000002' }),
      );
      const found = assertVerdict(results, 'Bot Framework credentials', 'blocking', /AADSTS700016/);
      assert.match(found.fix, /MicrosoftAppId/);
    });

    it('warns that a user-assigned managed identity can only be checked on Azure', async () => {
      const results = await runDoctor(
        environment({ MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppPassword: undefined }),
      );
      assertVerdict(results, 'Bot Framework credentials', 'warning', /only be checked on the Azure host/);
    });

    it('warns when Bot Framework authentication is switched off', async () => {
      const results = await runDoctor(
        environment({
          MicrosoftAppId: undefined,
          MicrosoftAppPassword: undefined,
          MicrosoftAppType: undefined,
          MicrosoftAppTenantId: undefined,
          BOT_DANGEROUSLY_ALLOW_UNAUTHENTICATED: 'true',
        }),
      );
      assertVerdict(results, 'Bot Framework credentials', 'warning', /authentication is OFF/);
    });

    it('blocks the switch in production, where the bot refuses to start with it', async () => {
      const results = await runDoctor(
        environment({
          MicrosoftAppId: undefined,
          MicrosoftAppPassword: undefined,
          MicrosoftAppType: undefined,
          MicrosoftAppTenantId: undefined,
          BOT_DANGEROUSLY_ALLOW_UNAUTHENTICATED: 'true',
          NODE_ENV: 'production',
        }),
      );
      assertVerdict(results, 'Configuration', 'blocking', /refused when NODE_ENV=production/);
    });
  });

  describe('the command line', () => {
    const main = path.resolve(__dirname, '../../doctor/main.js');

    function run(
      env: NodeJS.ProcessEnv,
      args: string[] = [],
    ): Promise<{ code: number | null; stdout: string }> {
      return new Promise((resolve, reject) => {
        // Only what the test gives: nothing from the developer's shell or a .env file.
        const child = spawn(process.execPath, [main, ...args], {
          env: {
            PATH: process.env.PATH,
            NODE_EXTRA_CA_CERTS: path.resolve(process.env.NODE_EXTRA_CA_CERTS ?? '.sim-state/ca.pem'),
            ...env,
          },
          cwd: path.dirname(main),
        });
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`doctor did not finish: ${stdout}`));
        }, 30_000);
        child.on('exit', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout });
        });
      });
    }

    it('prints the table and exits 0 when nothing blocks', async () => {
      const { code, stdout } = await run(environment());
      assert.equal(code, 0, stdout);
      assert.match(stdout, /^check\s+result\s+detail\s+fix$/m);
      assert.match(stdout, /No problem found\./);
      assert.ok(!stdout.includes(BOT_SECRET));
    });

    it('exits 1 in agent mode when the OAuth connection does not exist', async () => {
      await grant(requiredGraphPermissions('agent').map((p) => p.name));
      const { code, stdout } = await run(
        environment({
          RESET_AS: 'agent',
          OAUTH_CONNECTION_NAME: 'NoSuchConnection',
          OAuthUrl: `${simulator.url}/botframework`,
        }),
        ['--json'],
      );
      assert.equal(code, 1, stdout);
      const results = JSON.parse(stdout) as CheckResult[];
      assert.equal(row(results, OAUTH_CHECK).verdict, 'blocking');
      assert.equal(row(results, `Graph permission ${PASSWORD_PROFILE}`).verdict, 'ok');
    });

    it('exits 1 on a blocking problem, and prints JSON with --json', async () => {
      const { code, stdout } = await run(environment({ MicrosoftAppPassword: 'not-the-secret' }), ['--json']);
      assert.equal(code, 1);
      const results = JSON.parse(stdout) as CheckResult[];
      assert.equal(row(results, 'Bot Framework credentials').verdict, 'blocking');
      assert.ok(!stdout.includes('not-the-secret'));
    });
  });
});
