import assert from 'node:assert/strict';
import type { Client } from '@microsoft/microsoft-graph-client';
import { demo, graphFailure, SimulatorHarness, userId } from './harness';

const helpdeskAdministrator = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const globalAdministrator = '62e90394-69f5-4237-9190-012177145e10';
const helpdeskTeamGroup = 'e1a0c000-0000-4000-8000-000000000002';

interface Assignment {
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
}

describe('simulator: roles, groups, domains, sessions, batch', () => {
  let h: SimulatorHarness;
  let bot: Client;
  before(async () => {
    h = await SimulatorHarness.start();
    bot = h.botClient();
  });
  after(async () => {
    await h.close();
  });

  it('answers transitiveRoleAssignments without ConsistencyLevel with 404, as documented', async () => {
    const failure = await graphFailure(
      bot
        .api('/roleManagement/directory/transitiveRoleAssignments')
        .version('beta')
        .filter(`principalId eq '${userId('0e')}'`)
        .get(),
    );
    assert.equal(failure.statusCode, 404);
  });

  it('includes group-based assignments in transitiveRoleAssignments, with the group as principal', async () => {
    const page = (await bot
      .api('/roleManagement/directory/transitiveRoleAssignments')
      .version('beta')
      .header('ConsistencyLevel', 'eventual')
      .count(true)
      .filter(`principalId eq '${userId('0e')}'`)
      .get()) as { value: Assignment[]; '@odata.count': number };
    assert.deepEqual(
      page.value.map((a) => [a.principalId, a.roleDefinitionId, a.directoryScopeId]),
      [[helpdeskTeamGroup, helpdeskAdministrator, '/']],
    );
    assert.equal(page['@odata.count'], 1);
  });

  it('lists only direct assignments in v1.0 roleAssignments', async () => {
    const viaGroup = (await bot
      .api('/roleManagement/directory/roleAssignments')
      .filter(`principalId eq '${userId('0e')}'`)
      .get()) as { value: Assignment[] };
    assert.deepEqual(viaGroup.value, []);
    const direct = (await bot
      .api('/roleManagement/directory/roleAssignments')
      .filter(`principalId eq '${userId('01')}'`)
      .get()) as { value: Assignment[] };
    assert.deepEqual(
      direct.value.map((a) => a.roleDefinitionId),
      [helpdeskAdministrator],
    );
  });

  it('lists the PIM-eligible Global Administrator in roleEligibilityScheduleInstances', async () => {
    const page = (await bot
      .api('/roleManagement/directory/roleEligibilityScheduleInstances')
      .filter(`principalId eq '${userId('0c')}'`)
      .get()) as { value: Assignment[] };
    assert.deepEqual(
      page.value.map((a) => a.roleDefinitionId),
      [globalAdministrator],
    );
  });

  it('shows role-assignable groups in transitiveMemberOf and filters them with isAssignableToRole', async () => {
    const page = (await bot
      .api(`/users/${userId('0d')}/transitiveMemberOf/microsoft.graph.group`)
      .header('ConsistencyLevel', 'eventual')
      .count(true)
      .filter('isAssignableToRole eq true')
      .get()) as { value: { displayName: string; isAssignableToRole: boolean; '@odata.type': string }[] };
    assert.deepEqual(
      page.value.map((g) => [g.displayName, g.isAssignableToRole, g['@odata.type']]),
      [['Tier 0 Operators', true, '#microsoft.graph.group']],
    );
  });

  it('reports Managed and Federated domains, and 404 for an unverified one', async () => {
    const managed = (await bot.api('/domains/contoso.com').get()) as { authenticationType: string };
    const federated = (await bot.api('/domains/fabrikam.com').get()) as { authenticationType: string };
    assert.deepEqual([managed.authenticationType, federated.authenticationType], ['Managed', 'Federated']);
    const failure = await graphFailure(bot.api('/domains/northwind.com').get());
    assert.equal(failure.statusCode, 404);
  });

  it('revokes sign-in sessions with 200 {"value": true} and moves signInSessionsValidFromDateTime', async () => {
    await h.reset();
    const before = await h.userState(userId('02'));
    const answer = (await bot.api(`/users/${userId('02')}/revokeSignInSessions`).post({})) as {
      value: boolean;
    };
    assert.equal(answer.value, true);
    const after = await h.userState(userId('02'));
    assert.ok(
      Date.parse(after.signInSessionsValidFromDateTime ?? '') >
        Date.parse(before.signInSessionsValidFromDateTime ?? ''),
    );
  });

  it("refuses revoking a Global Administrator's sessions for the bot's app", async () => {
    const failure = await graphFailure(bot.api(`/users/${userId('05')}/revokeSignInSessions`).post({}));
    assert.equal(failure.statusCode, 403);
  });

  it("refuses revoking the sessions of a user outside the bot's administrative unit", async () => {
    const failure = await graphFailure(bot.api(`/users/${userId('2e')}/revokeSignInSessions`).post({}));
    assert.equal(failure.statusCode, 403);
  });

  it('lets a Helpdesk Administrator app revoke sessions: "at least User Administrator" is about passwords', async () => {
    await h.setAppRoles(demo.botAppId, [{ roleDefinitionId: helpdeskAdministrator }]);
    try {
      const answer = (await bot.api(`/users/${userId('02')}/revokeSignInSessions`).post({})) as {
        value: boolean;
      };
      assert.equal(answer.value, true);
    } finally {
      await h.reset();
    }
  });

  it('runs GET sub-requests of a JSON batch, each with its own status', async () => {
    const answer = (await bot.api('/$batch').post({
      requests: [
        { id: '1', method: 'GET', url: `/users/${userId('02')}?$select=displayName` },
        { id: '2', method: 'GET', url: '/domains/fabrikam.com' },
        { id: '3', method: 'GET', url: '/users/nobody@contoso.com' },
      ],
    })) as {
      responses: { id: string; status: number; body: { displayName?: string; error?: { code: string } } }[];
    };
    const byId = new Map(answer.responses.map((r) => [r.id, r]));
    assert.equal(byId.get('1')?.body.displayName, 'Megan Bowen');
    assert.equal(byId.get('2')?.status, 200);
    assert.equal(byId.get('3')?.status, 404);
    assert.equal(byId.get('3')?.body.error?.code, 'Request_ResourceNotFound');
  });

  it('refuses a batch of more than 20 requests', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({
      id: String(i),
      method: 'GET',
      url: '/domains',
    }));
    const failure = await graphFailure(bot.api('/$batch').post({ requests }));
    assert.equal(failure.statusCode, 400);
  });

  it('authenticates batch sub-requests with the batch token (the reports app cannot read domains)', async () => {
    const reports = h.graphClient(h.appCredential(demo.reportsAppId, demo.reportsSecret));
    const answer = (await reports
      .api('/$batch')
      .post({ requests: [{ id: '1', method: 'GET', url: '/domains' }] })) as {
      responses: { status: number }[];
    };
    assert.equal(answer.responses[0]?.status, 403);
  });
});
