import assert from 'node:assert/strict';
import type { Client } from '@microsoft/microsoft-graph-client';
import { demo, graphFailure, SimulatorHarness, userId } from './harness';

const allCompany = 'e1a0c000-0000-4000-8000-000000000003';
const helpdeskAgents = 'e1a0c000-0000-4000-8000-000000000006';
const protectedAccounts = 'e1a0c000-0000-4000-8000-000000000007';
const legalLeadership = 'e1a0c000-0000-4000-8000-000000000008';
const aoife = userId('18');

/**
 * `POST /users/{id}/checkMemberGroups` (Learn: "user: checkMemberGroups"): transitive, at most 20 ids,
 * application permissions "User.Read.All and GroupMember.Read.All, User.Read.All and Group.Read.All,
 * Directory.Read.All".
 */
describe('simulator: checkMemberGroups', () => {
  let h: SimulatorHarness;
  let bot: Client;
  before(async () => {
    h = await SimulatorHarness.start();
    bot = h.botClient();
  });
  after(async () => {
    await h.close();
  });

  const check = (client: Client, user: string, groupIds: unknown) =>
    client.api(`/users/${user}/checkMemberGroups`).post({ groupIds }) as Promise<{
      '@odata.context': string;
      value: string[];
    }>;

  it('returns, of the ids asked about, the groups the user is in directly or through a nested group', async () => {
    const answer = await check(bot, aoife, [protectedAccounts, helpdeskAgents, legalLeadership, allCompany]);

    assert.deepEqual(answer.value, [protectedAccounts, legalLeadership, allCompany]);
    assert.match(answer['@odata.context'], /\$metadata#Collection\(Edm\.String\)$/);
  });

  it('lists transitive memberships in transitiveMemberOf too', async () => {
    const page = (await bot.api(`/users/${aoife}/transitiveMemberOf`).select(['id']).get()) as {
      value: { id: string }[];
    };
    assert.ok(page.value.some((entry) => entry.id === protectedAccounts));
  });

  it('accepts a user principal name, and leaves out ids that name no group', async () => {
    const answer = await check(bot, 'alexw@contoso.com', [
      helpdeskAgents,
      'e1a0c000-0000-4000-9000-0000000000ff',
    ]);
    assert.deepEqual(answer.value, [helpdeskAgents]);
  });

  it('refuses more than 20 ids, a malformed id, and a body without groupIds with 400', async () => {
    const tooMany = Array.from({ length: 21 }, () => helpdeskAgents);
    for (const groupIds of [tooMany, ['not-a-guid'], undefined]) {
      const failure = await graphFailure(check(bot, aoife, groupIds));
      assert.equal(failure.statusCode, 400, JSON.stringify(groupIds));
      assert.equal(failure.code, 'Request_BadRequest');
    }
  });

  it('answers 404 for an unknown user', async () => {
    const failure = await graphFailure(check(bot, 'e1a00000-0000-4000-8000-0000000000ff', [helpdeskAgents]));
    assert.equal(failure.statusCode, 404);
  });

  it('refuses an app with User.Read.All but no group permission (403)', async () => {
    const outdated = h.graphClient(h.appCredential(demo.outdatedConsentAppId, demo.outdatedConsentSecret));
    const failure = await graphFailure(check(outdated, aoife, [protectedAccounts]));
    assert.equal(failure.statusCode, 403);
    assert.equal(failure.code, 'Authorization_RequestDenied');
  });

  it('answers a delegated caller too', async () => {
    const answer = await check(h.userClient('alexw@contoso.com'), aoife, [protectedAccounts]);
    assert.deepEqual(answer.value, [protectedAccounts]);
  });
});
