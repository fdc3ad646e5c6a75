import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Client } from '@microsoft/microsoft-graph-client';
import { demo, graphFailure, SimulatorHarness, stateDir, userId } from './harness';

const globalAdministrator = '62e90394-69f5-4237-9190-012177145e10';
const newPassword = 'Tq8#mZr2-vLw';
const leeGu = userId('0c');

const eligibilities = (client: Client, principalId: string): Promise<unknown> =>
  client
    .api('/roleManagement/directory/roleEligibilityScheduleInstances')
    .filter(`principalId eq '${principalId}'`)
    .get();

/** graph.md, "PIM needs a licence"; Learn, "Microsoft Entra licensing", "When a license expires for PIM". */
async function assertPimNotLicensed(client: Client): Promise<void> {
  const failure = await graphFailure(eligibilities(client, leeGu));
  assert.equal(failure.statusCode, 400);
  assert.equal(failure.code, 'AadPremiumLicenseRequired');
  assert.equal(
    failure.message,
    'The tenant needs to have Microsoft Entra ID P2 or Microsoft Entra ID Governance license.',
  );
  assert.ok(failure.requestId, 'a Graph error with innerError and its request-id');
}

describe('simulator: the tenant licence (PIM needs Entra ID P2 or Governance)', () => {
  describe('started with the default licence (P2)', () => {
    let h: SimulatorHarness;
    before(async () => {
      h = await SimulatorHarness.start();
    });
    after(async () => {
      await h.close();
    });
    beforeEach(async () => {
      await h.reset();
    });

    it('lists eligible assignments and reports P2', async () => {
      const page = (await eligibilities(h.botClient(), leeGu)) as { value: { roleDefinitionId: string }[] };
      assert.deepEqual(
        page.value.map((a) => a.roleDefinitionId),
        [globalAdministrator],
      );
      assert.deepEqual((await h.control('GET', 'licence')).json, { licence: 'P2' });
    });

    it('switches to P1 through the control API, and back to the start value on reset', async () => {
      assert.deepEqual(await h.control('PUT', 'licence', { licence: 'P1' }), {
        status: 200,
        json: { licence: 'P1' },
      });
      await assertPimNotLicensed(h.botClient());
      await h.reset();
      assert.deepEqual((await h.control('GET', 'licence')).json, { licence: 'P2' });
      assert.ok(await eligibilities(h.botClient(), leeGu));
    });

    it('refuses a licence it does not know', async () => {
      const { status } = await h.control('PUT', 'licence', { licence: 'E5' });
      assert.equal(status, 400);
    });

    it('checks the permission before the licence (403 without RoleManagement.Read.Directory)', async () => {
      await h.control('PUT', 'licence', { licence: 'P1' });
      const reports = h.graphClient(h.appCredential(demo.reportsAppId, demo.reportsSecret));
      const failure = await graphFailure(eligibilities(reports, leeGu));
      assert.equal(failure.statusCode, 403);
    });

    it('protects a PIM-eligible Global Administrator from a User Administrator under P2 only', async () => {
      const grady = h.userClient('gradya@contoso.com');
      const patch = (): Promise<unknown> =>
        grady.api(`/users/${leeGu}`).update({ passwordProfile: { password: newPassword } });
      assert.equal((await graphFailure(patch())).statusCode, 403);
      // Without P2 the eligible assignment no longer exists: "Eligible role assignments of Microsoft Entra
      // roles are removed" when the licence expires.
      await h.control('PUT', 'licence', { licence: 'P1' });
      assert.equal(await patch(), undefined);
    });
  });

  describe('started with startSimulator({ licence: "P1" })', () => {
    let h: SimulatorHarness;
    before(async () => {
      h = await SimulatorHarness.start({ licence: 'P1' });
    });
    after(async () => {
      await h.close();
    });

    it('answers roleEligibilityScheduleInstances with 400 AadPremiumLicenseRequired', async () => {
      await assertPimNotLicensed(h.botClient());
    });

    it('keeps P1 across a reset', async () => {
      await h.reset();
      assert.deepEqual((await h.control('GET', 'licence')).json, { licence: 'P1' });
      await assertPimNotLicensed(h.botClient());
    });
  });

  describe('the command line', function () {
    this.timeout(20_000);
    const main = path.resolve(__dirname, '../../simulator/main.js');

    function run(args: string[]): Promise<{ code: number | null; firstLine: string; stderr: string }> {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [main, '--state-dir', stateDir, ...args], {
          cwd: path.resolve(__dirname, '../../..'),
        });
        let stdout = '';
        let stderr = '';
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`simulator did not answer in time: ${stderr}`));
        }, 15_000);
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          // "ready" comes after the endpoint line: stop the simulator and report both.
          if (stderr.includes('ready in')) child.kill('SIGTERM');
        });
        child.on('exit', (code) => {
          clearTimeout(timer);
          resolve({ code, firstLine: stdout.split('\n')[0] ?? '', stderr });
        });
      });
    }

    it('starts with --licence P1 and says so', async () => {
      const { firstLine, stderr } = await run(['--licence', 'P1']);
      assert.match(firstLine, /"event":"listening"/);
      assert.match(stderr, /Entra ID P1/);
    });

    it('refuses an unknown --licence with exit code 2', async () => {
      const { code, stderr } = await run(['--licence', 'P3']);
      assert.equal(code, 2);
      assert.match(stderr, /--licence expects P1 or P2, got 'P3'/);
    });
  });
});
