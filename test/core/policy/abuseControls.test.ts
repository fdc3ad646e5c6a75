import assert from 'node:assert/strict';
import { checkNotProtected, checkRequester, decideReset } from '../../../core/policy/resetPolicy';
import type { PolicySettings, RequesterProfile, TargetProfile } from '../../../core/policy/types';
import { directoryUser as user } from '../../support/directoryUsers';

const HELPDESK_ADMIN = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const MEGAN = 'e1a00000-0000-4000-8000-000000000002';
const HELPDESK_GROUP = 'e1a0c000-0000-4000-8000-000000000006';
const PROTECTED_GROUP = 'e1a0c000-0000-4000-8000-000000000007';
const BASE: PolicySettings = { passwordWritebackEnabled: false, resetAs: 'bot' };

function agent(roleId: string, inHelpdeskGroup?: boolean): RequesterProfile {
  return {
    user: user({ id: 'e1a00000-0000-4000-8000-000000000001', displayName: 'Alex Wilber' }),
    roles: [{ roleDefinitionId: roleId, directoryScopeId: '/', kind: 'active' }],
    ...(inHelpdeskGroup !== undefined && { inHelpdeskGroup }),
  };
}

function megan(inProtectedGroup?: boolean): TargetProfile {
  return {
    user: user({ id: MEGAN, displayName: 'Megan Bowen', userPrincipalName: 'meganb@contoso.com' }),
    roles: [],
    roleAssignableGroups: [],
    roleUnits: [],
    domain: { id: 'contoso.com', authenticationType: 'Managed' },
    ...(inProtectedGroup !== undefined && { inProtectedGroup }),
  };
}

describe('policy: protected accounts', () => {
  const rows: [string, PolicySettings, TargetProfile, boolean][] = [
    ['nothing configured', BASE, megan(), false],
    ['listed by object id', { ...BASE, protectedUserIds: [MEGAN] }, megan(), true],
    [
      'listed by object id in upper case',
      { ...BASE, protectedUserIds: [MEGAN.toUpperCase()] },
      megan(),
      true,
    ],
    ['another user listed', { ...BASE, protectedUserIds: [HELPDESK_GROUP] }, megan(), false],
    ['a member of a protected group', { ...BASE, protectedGroupIds: [PROTECTED_GROUP] }, megan(true), true],
    ['not a member of any', { ...BASE, protectedGroupIds: [PROTECTED_GROUP] }, megan(false), false],
    [
      'membership never read (fails closed)',
      { ...BASE, protectedGroupIds: [PROTECTED_GROUP] },
      megan(),
      true,
    ],
  ];
  for (const [name, settings, target, isProtected] of rows) {
    it(`${isProtected ? 'protects' : 'does not protect'}: ${name}`, () => {
      assert.equal(
        checkNotProtected(target, settings)?.rule ?? null,
        isProtected ? 'target-protected' : null,
      );
    });
  }

  it('refuses whatever the agent’s role, a Global Administrator included, and names no list or group', () => {
    const decision = decideReset(agent(GLOBAL_ADMIN), megan(true), {
      ...BASE,
      protectedGroupIds: [PROTECTED_GROUP],
    });
    assert.ok(!decision.allowed);
    assert.equal(decision.refusal.rule, 'target-protected');
    assert.doesNotMatch(JSON.stringify(decision.refusal), new RegExp(PROTECTED_GROUP));
  });

  it('comes right after the requester checks: a protected account is refused as protected, not for its roles', () => {
    const target = {
      ...megan(),
      roles: [{ roleDefinitionId: GLOBAL_ADMIN, directoryScopeId: '/', kind: 'active' as const }],
    };
    const decision = decideReset(agent(HELPDESK_ADMIN), target, { ...BASE, protectedUserIds: [MEGAN] });
    assert.equal(!decision.allowed && decision.refusal.rule, 'target-protected');
  });
});

describe('policy: the helpdesk group', () => {
  const withGroup = { helpdeskGroupId: HELPDESK_GROUP };

  it('lets an administrator in the group through', () => {
    assert.equal(checkRequester(agent(HELPDESK_ADMIN, true), withGroup), null);
  });

  it('refuses an administrator outside the group, or whose membership was not read (fails closed)', () => {
    assert.equal(
      checkRequester(agent(HELPDESK_ADMIN, false), withGroup)?.rule,
      'requester-not-in-helpdesk-group',
    );
    assert.equal(checkRequester(agent(HELPDESK_ADMIN), withGroup)?.rule, 'requester-not-in-helpdesk-group');
  });

  it('asks nothing of the group when none is configured', () => {
    assert.equal(checkRequester(agent(HELPDESK_ADMIN, false), { helpdeskGroupId: null }), null);
  });

  it('applies on top of the role rule, which speaks first', () => {
    const notAdmin: RequesterProfile = { ...agent(HELPDESK_ADMIN, true), roles: [] };
    assert.equal(checkRequester(notAdmin, withGroup)?.rule, 'requester-not-admin');
  });

  it('refuses a reset by a non-member through decideReset too (the click re-checks it)', () => {
    const decision = decideReset(agent(GLOBAL_ADMIN, false), megan(), { ...BASE, ...withGroup });
    assert.equal(!decision.allowed && decision.refusal.rule, 'requester-not-in-helpdesk-group');
  });
});
