import assert from 'node:assert/strict';
import type { Client } from '@microsoft/microsoft-graph-client';
import { demo, graphFailure, SimulatorHarness, userId } from './harness';

const tier0Operators = 'e1a0c000-0000-4000-8000-000000000001';
const helpdeskTeam = 'e1a0c000-0000-4000-8000-000000000002';
const executiveAssistants = 'e1a0c000-0000-4000-8000-000000000004';
const carlos = userId('2a');

interface Page {
  value: Record<string, unknown>[];
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
}

/** The bot's query: role-assignable groups with the ids of their owners. */
function roleAssignableGroupsWithOwners(client: Client) {
  return client
    .api('/groups')
    .filter('isAssignableToRole eq true')
    .select(['id', 'displayName', 'isAssignableToRole'])
    .expand('owners($select=id)')
    .top(999);
}

/** 25 fixture users, then Megan: more owners than `$expand` returns, with Megan past the cut. */
const manyOwners = [
  ...['03', '04', '06', '07', '08', '09', '0a', '0b', '0c', '0d', '0e', '0f', '10', '11', '12', '13'],
  ...['16', '18', '19', '1a', '1b', '1c', '1d', '1e', '1f'],
  '02',
].map(userId);

describe('simulator: groups and their owners', () => {
  let h: SimulatorHarness;
  let bot: Client;
  before(async () => {
    h = await SimulatorHarness.start();
    bot = h.botClient();
  });
  after(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
  });

  describe('GET /groups', () => {
    it('lists role-assignable groups with their owners expanded, nested $select applied', async () => {
      const page = (await roleAssignableGroupsWithOwners(bot).get()) as Page;

      assert.deepEqual(page.value, [
        { id: tier0Operators, displayName: 'Tier 0 Operators', isAssignableToRole: true, owners: [] },
        { id: helpdeskTeam, displayName: 'Helpdesk Team', isAssignableToRole: true, owners: [] },
        {
          id: executiveAssistants,
          displayName: 'Executive Assistants',
          isAssignableToRole: true,
          owners: [{ '@odata.type': '#microsoft.graph.user', id: carlos }],
        },
      ]);
      assert.equal(page['@odata.nextLink'], undefined);
    });

    it('expands at most 20 owners, without a nextLink for them (Learn: "typically returns a maximum of 20 items")', async () => {
      const put = await h.control('PUT', `groups/${executiveAssistants}/owners`, { owners: manyOwners });
      assert.equal(put.status, 200);

      const page = (await roleAssignableGroupsWithOwners(bot).get()) as Page;

      const group = page.value.find((g) => g.id === executiveAssistants) ?? {};
      assert.deepEqual(
        (group.owners as { id: string }[]).map((o) => o.id),
        manyOwners.slice(0, 20),
      );
      assert.equal(Object.keys(group).includes('owners@odata.nextLink'), false);
    });

    it('answers the default group properties without $select, and filters with eq on other properties', async () => {
      const page = (await bot.api('/groups').filter("displayName eq 'all company'").get()) as Page;

      assert.deepEqual(page.value, [
        {
          id: 'e1a0c000-0000-4000-8000-000000000003',
          displayName: 'All Company',
          description: 'Everyone at Contoso',
          isAssignableToRole: false,
          securityEnabled: true,
          mailEnabled: false,
          groupTypes: [],
        },
      ]);
    });

    it('pages with $top and @odata.nextLink, keeping the expansion, and refuses a page of more than 999', async () => {
      const first = (await roleAssignableGroupsWithOwners(bot).top(2).get()) as Page;
      assert.equal(first.value.length, 2);
      assert.ok(first['@odata.nextLink']);
      const second = (await bot.api(first['@odata.nextLink']).get()) as Page;
      assert.deepEqual(
        second.value.map((g) => [g.id, g.owners]),
        [[executiveAssistants, [{ '@odata.type': '#microsoft.graph.user', id: carlos }]]],
      );
      assert.equal(second['@odata.nextLink'], undefined);

      const failure = await graphFailure(bot.api('/groups').top(1000).get());
      assert.equal(failure.statusCode, 400);
    });

    it('needs ConsistencyLevel and $count for ne, and refuses $expand in such an advanced query', async () => {
      const plain = await graphFailure(bot.api('/groups').filter('isAssignableToRole ne true').get());
      assert.equal(plain.statusCode, 400);
      assert.equal(plain.code, 'Request_UnsupportedQuery');

      const advanced = (await bot
        .api('/groups')
        .header('ConsistencyLevel', 'eventual')
        .count(true)
        .filter('isAssignableToRole ne true')
        .select(['displayName'])
        .get()) as Page;
      assert.deepEqual(advanced.value.map((g) => g.displayName).sort(), [
        'All Company',
        'Contoso Sales',
        'Helpdesk Agents',
        'Legal Leadership',
        'Protected Accounts',
      ]);
      assert.equal(advanced['@odata.count'], 5);

      const expanded = await graphFailure(
        bot.api('/groups').header('ConsistencyLevel', 'eventual').count(true).expand('owners').get(),
      );
      assert.equal(expanded.statusCode, 400);
    });

    it('refuses an unknown property in the nested $select, and expansions it does not implement', async () => {
      const accepted = (await bot.api('/groups').expand('owners($select=id,displayName)').get()) as Page;
      assert.equal(accepted.value.length, 8);

      for (const expand of ['owners($select=nope)', 'owners($top=5)', 'members']) {
        const failure = await graphFailure(bot.api('/groups').expand(expand).get());
        assert.equal(failure.statusCode, 400, expand);
      }
    });

    it('needs a group permission: 403 for an app with only User.Read.All', async () => {
      for (const app of [
        h.appCredential(demo.reportsAppId, demo.reportsSecret),
        h.appCredential(demo.outdatedConsentAppId, demo.outdatedConsentSecret),
      ]) {
        const failure = await graphFailure(roleAssignableGroupsWithOwners(h.graphClient(app)).get());

        assert.equal(failure.statusCode, 403);
        assert.equal(failure.code, 'Authorization_RequestDenied');
      }
    });
  });

  describe('GET /groups/{id}/owners', () => {
    it('lists every owner, page by page', async () => {
      await h.control('PUT', `groups/${executiveAssistants}/owners`, { owners: manyOwners });

      const ids: unknown[] = [];
      let page = (await bot
        .api(`/groups/${executiveAssistants}/owners`)
        .select(['id'])
        .top(10)
        .get()) as Page;
      for (;;) {
        ids.push(...page.value.map((o) => o.id));
        const next = page['@odata.nextLink'];
        if (next === undefined) break;
        page = (await bot.api(next).get()) as Page;
      }

      assert.deepEqual(ids, manyOwners);
    });

    it('answers 404 for an unknown group and 403 without a group permission', async () => {
      const unknown = await graphFailure(
        bot.api('/groups/e1a0c000-0000-4000-8000-0000000000ff/owners').get(),
      );
      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.code, 'Request_ResourceNotFound');

      const reports = h.graphClient(h.appCredential(demo.reportsAppId, demo.reportsSecret));
      const refused = await graphFailure(reports.api(`/groups/${executiveAssistants}/owners`).get());
      assert.equal(refused.statusCode, 403);
    });
  });

  describe('control: PUT /_sim/groups/{id}/owners', () => {
    it('replaces the owners until the next reset, and refuses unknown users and groups', async () => {
      assert.equal(
        (await h.control('PUT', `groups/${tier0Operators}/owners`, { owners: [userId('ff')] })).status,
        400,
      );
      assert.equal(
        (await h.control('PUT', 'groups/e1a0c000-0000-4000-8000-0000000000ff/owners', { owners: [] })).status,
        404,
      );
      await h.control('PUT', `groups/${executiveAssistants}/owners`, { owners: [userId('02')] });
      const changed = (await bot.api(`/groups/${executiveAssistants}/owners`).select(['id']).get()) as Page;
      assert.deepEqual(
        changed.value.map((o) => o.id),
        [userId('02')],
      );

      await h.reset();
      const restored = (await bot.api(`/groups/${executiveAssistants}/owners`).select(['id']).get()) as Page;
      assert.deepEqual(
        restored.value.map((o) => o.id),
        [carlos],
      );
    });
  });
});
