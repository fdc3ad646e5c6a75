import assert from 'node:assert/strict';
import type { AdministrativeUnit, DirectoryUser, RoleAssignment } from '../../../core/directory';
import { checkRequester, decideReset } from '../../../core/policy/resetPolicy';
import type {
  PolicyDecision,
  PolicySettings,
  RefusalRule,
  RequesterProfile,
  TargetProfile,
} from '../../../core/policy/types';
import { directoryUser as user } from '../../support/directoryUsers';

// Template ids, written out here rather than imported, so a typo in the table module cannot hide itself.
const PASSWORD_ADMIN = '966707d0-3269-4727-9be2-8c3a10f19b9d';
const HELPDESK_ADMIN = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
const AUTH_ADMIN = 'c4e39bd9-1100-46d3-8c65-fb160da0071f';
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const PRIV_AUTH_ADMIN = '7be44c8a-adaf-4e2a-84d6-ab2649e08a13';
const GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const PRIV_ROLE_ADMIN = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
const GROUPS_ADMIN = 'fdd7a751-b60b-444a-984c-02652fe8fa1c';
const DIRECTORY_READERS = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';
const GUEST_INVITER = '95e79109-95c0-4d8e-aee3-d01accf2d47b';
const MESSAGE_CENTER_READER = '790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b';
const REPORTS_READER = '4a5d8f65-41da-4de4-8968-e035b65339cf';
const USAGE_SUMMARY_READER = '75934031-6c7e-415a-99d7-48dbd49e875e';
const UX_SUCCESS_MANAGER = '27460883-1df1-4691-b032-3b79643e5e63';
const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';
const SECURITY_ADMIN = '194ae4cb-b126-40b2-bd5b-6091b380977d';
const CUSTOM_ROLE = '0b5e1c2d-3f4a-4b6c-8d7e-9f0a1b2c3d4e';
const AU_SCOPE = '/administrativeUnits/e1a0a000-0000-4000-8000-000000000001';
const RESTRICTED_UNIT: AdministrativeUnit = {
  id: 'e1a0a000-0000-4000-8000-000000000001',
  displayName: 'Executive Protection',
  isMemberManagementRestricted: true,
};
const OPEN_UNIT: AdministrativeUnit = {
  id: 'e1a0a000-0000-4000-8000-000000000002',
  displayName: 'Seattle Office',
  isMemberManagementRestricted: false,
};
const scopeOf = (unit: AdministrativeUnit): string => `/administrativeUnits/${unit.id}`;

/** The columns of Entra's "Who can reset passwords" table, in its order. */
const COLUMNS: [string, string][] = [
  ['Password Administrator', PASSWORD_ADMIN],
  ['Helpdesk Administrator', HELPDESK_ADMIN],
  ['Authentication Administrator', AUTH_ADMIN],
  ['User Administrator', USER_ADMIN],
  ['Privileged Authentication Administrator', PRIV_AUTH_ADMIN],
  ['Global Administrator', GLOBAL_ADMIN],
];

/**
 * The table's rows as published on Learn (privileged-roles-permissions, "Who can reset passwords"): Y where the
 * column's role may reset a user holding the row's role. Columns: Password, Helpdesk, Auth, User, PrivAuth, Global.
 */
const ROWS: [string, string | null, string][] = [
  ['Authentication Administrator', AUTH_ADMIN, '..Y.YY'],
  ['Directory Readers', DIRECTORY_READERS, 'YYYYYY'],
  ['Global Administrator', GLOBAL_ADMIN, '....YY'],
  ['Groups Administrator', GROUPS_ADMIN, '...YYY'],
  ['Guest Inviter', GUEST_INVITER, 'YYYYYY'],
  ['Helpdesk Administrator', HELPDESK_ADMIN, '.Y.YYY'],
  ['Message Center Reader', MESSAGE_CENTER_READER, '.YYYYY'],
  ['Password Administrator', PASSWORD_ADMIN, 'YYYYYY'],
  ['Privileged Authentication Administrator', PRIV_AUTH_ADMIN, '....YY'],
  ['Privileged Role Administrator', PRIV_ROLE_ADMIN, '....YY'],
  ['Reports Reader', REPORTS_READER, '.YYYYY'],
  ['User (no admin role)', null, 'YYYYYY'],
  ['User Administrator', USER_ADMIN, '...YYY'],
  ['User Experience Success Manager', UX_SUCCESS_MANAGER, '.YYYYY'],
  ['Usage Summary Reports Reader', USAGE_SUMMARY_READER, '.YYYYY'],
  ['Global Reader (an "other" role)', GLOBAL_READER, '....YY'],
  ['Security Administrator (an "other" role)', SECURITY_ADMIN, '....YY'],
  ['a custom role', CUSTOM_ROLE, '....YY'],
];

/**
 * The table's rows that describe a user rather than a role, each with the rule that refuses in the unticked
 * columns. The restricted-unit user holds Password Administrator, a role every column may reset tenant-wide,
 * scoped to a restricted management unit, so only the scope can refuse.
 */
const USER_ROWS: [string, TargetOverrides, string, RefusalRule][] = [
  [
    'User (no admin role, but member or owner of a role-assignable group)',
    { roleAssignableGroups: [{ id: 'e1a0c000-0000-4000-8000-000000000001', displayName: 'Tier0 Admins' }] },
    '....YY',
    'role-assignable-group',
  ],
  [
    'User with a role scoped to a restricted management administrative unit',
    { roles: [role(PASSWORD_ADMIN, 'active', scopeOf(RESTRICTED_UNIT))], roleUnits: [RESTRICTED_UNIT] },
    '....YY',
    'restricted-unit-role',
  ],
];

const NO_WRITEBACK: PolicySettings = { passwordWritebackEnabled: false, resetAs: 'agent' };

function role(id: string, kind: RoleAssignment['kind'] = 'active', scope = '/'): RoleAssignment {
  return { roleDefinitionId: id, directoryScopeId: scope, kind };
}

function requester(...roles: RoleAssignment[]): RequesterProfile {
  return {
    user: user({
      id: 'e1a00000-0000-4000-8000-000000000001',
      displayName: 'Alex Wilber',
      userPrincipalName: 'alexw@contoso.com',
    }),
    roles,
  };
}

type TargetOverrides = Partial<Omit<TargetProfile, 'user'>> & { user?: Partial<DirectoryUser> };

function target(overrides: TargetOverrides = {}): TargetProfile {
  return {
    roles: [],
    roleAssignableGroups: [],
    roleUnits: [],
    domain: { id: 'contoso.com', authenticationType: 'Managed' },
    ...overrides,
    user: user(overrides.user),
  };
}

function refusalRule(decision: PolicyDecision): RefusalRule | 'allowed' {
  return decision.allowed ? 'allowed' : decision.refusal.rule;
}

function refusal(decision: PolicyDecision) {
  assert.ok(!decision.allowed, 'expected a refusal');
  return decision.refusal;
}

describe('decideReset: the "Who can reset passwords" table', () => {
  for (const [rowName, rowRole, ticks] of ROWS) {
    COLUMNS.forEach(([columnName, columnRole], index) => {
      const allowed = ticks[index] === 'Y';
      it(`${allowed ? 'lets' : 'refuses'} a ${columnName} ${allowed ? 'reset' : 'resetting'} ${rowRole ? `a ${rowName}` : 'a user with no admin role'}`, () => {
        const decision = decideReset(
          requester(role(columnRole)),
          target({ roles: rowRole ? [role(rowRole)] : [] }),
          NO_WRITEBACK,
        );
        assert.equal(refusalRule(decision), allowed ? 'allowed' : 'target-role-protected');
      });
    });
  }

  for (const [rowName, situation, ticks, rule] of USER_ROWS) {
    COLUMNS.forEach(([columnName, columnRole], index) => {
      const allowed = ticks[index] === 'Y';
      it(`${allowed ? 'lets' : 'refuses'} a ${columnName} ${allowed ? 'reset' : 'resetting'} a ${rowName}`, () => {
        const decision = decideReset(requester(role(columnRole)), target(situation), NO_WRITEBACK);
        assert.equal(refusalRule(decision), allowed ? 'allowed' : rule);
      });
    });
  }

  it('refuses a Helpdesk Administrator resetting a Global Administrator, naming the role and whom to ask', () => {
    const decided = refusal(
      decideReset(requester(role(HELPDESK_ADMIN)), target({ roles: [role(GLOBAL_ADMIN)] }), NO_WRITEBACK),
    );
    assert.match(decided.reason, /Megan Bowen holds the Global Administrator role/);
    assert.match(decided.reason, /your Helpdesk Administrator role/);
    assert.equal(
      decided.nextStep,
      'Ask a Global Administrator or Privileged Authentication Administrator to reset it.',
    );
  });

  it('needs a role that covers every role the target holds (Reports Reader + Groups Administrator)', () => {
    const both = target({ roles: [role(REPORTS_READER), role(GROUPS_ADMIN)] });
    const byHelpdesk = refusal(decideReset(requester(role(HELPDESK_ADMIN)), both, NO_WRITEBACK));
    assert.match(byHelpdesk.reason, /Groups Administrator/);
    assert.match(byHelpdesk.nextStep, /User Administrator/);
    assert.equal(refusalRule(decideReset(requester(role(USER_ADMIN)), both, NO_WRITEBACK)), 'allowed');
  });

  it('names the most protective role when several are not covered', () => {
    const decided = refusal(
      decideReset(
        requester(role(PASSWORD_ADMIN)),
        target({ roles: [role(REPORTS_READER), role(GLOBAL_ADMIN), role(GROUPS_ADMIN)] }),
        NO_WRITEBACK,
      ),
    );
    assert.match(decided.reason, /Global Administrator role/);
  });

  it('does not combine two requester roles to cover a target (Authentication + Helpdesk vs Authentication + Helpdesk Administrator)', () => {
    const agent = requester(role(AUTH_ADMIN), role(HELPDESK_ADMIN));
    const decided = decideReset(
      agent,
      target({ roles: [role(AUTH_ADMIN), role(HELPDESK_ADMIN)] }),
      NO_WRITEBACK,
    );
    assert.equal(refusalRule(decided), 'target-role-protected');
  });

  it("uses the requester's highest covering role when they hold several", () => {
    const agent = requester(role(HELPDESK_ADMIN), role(AUTH_ADMIN));
    assert.equal(
      refusalRule(decideReset(agent, target({ roles: [role(AUTH_ADMIN)] }), NO_WRITEBACK)),
      'allowed',
    );
    assert.equal(
      refusalRule(decideReset(agent, target({ roles: [role(HELPDESK_ADMIN)] }), NO_WRITEBACK)),
      'allowed',
    );
  });

  it('treats an eligible (PIM) target role as held, and says it is eligible', () => {
    const decided = refusal(
      decideReset(
        requester(role(HELPDESK_ADMIN)),
        target({ roles: [role(GLOBAL_ADMIN, 'eligible')] }),
        NO_WRITEBACK,
      ),
    );
    assert.equal(decided.rule, 'target-role-protected');
    assert.match(decided.reason, /eligible/);
  });

  it('counts a target role scoped to an administrative unit', () => {
    const decided = decideReset(
      requester(role(HELPDESK_ADMIN)),
      target({ roles: [role(USER_ADMIN, 'active', AU_SCOPE)] }),
      NO_WRITEBACK,
    );
    assert.equal(refusalRule(decided), 'target-role-protected');
  });

  it('names the restricted management unit that scopes the role, and whom to ask', () => {
    const decided = refusal(
      decideReset(
        requester(role(HELPDESK_ADMIN)),
        target({
          roles: [role(HELPDESK_ADMIN, 'eligible', scopeOf(RESTRICTED_UNIT))],
          roleUnits: [RESTRICTED_UNIT],
        }),
        NO_WRITEBACK,
      ),
    );
    assert.equal(decided.rule, 'restricted-unit-role');
    assert.match(decided.reason, /"Executive Protection", a restricted management administrative unit/);
    assert.equal(
      decided.nextStep,
      'Ask a Privileged Authentication Administrator or Global Administrator to reset it.',
    );
  });

  it('does not protect a user whose role is scoped to an ordinary administrative unit', () => {
    const decided = decideReset(
      requester(role(HELPDESK_ADMIN)),
      target({ roles: [role(PASSWORD_ADMIN, 'active', scopeOf(OPEN_UNIT))], roleUnits: [OPEN_UNIT] }),
      NO_WRITEBACK,
    );
    assert.equal(refusalRule(decided), 'allowed');
  });

  it('treats the unit of a role it was not told about as restricted', () => {
    const decided = decideReset(
      requester(role(HELPDESK_ADMIN)),
      target({ roles: [role(PASSWORD_ADMIN, 'active', scopeOf(OPEN_UNIT))], roleUnits: [] }),
      NO_WRITEBACK,
    );
    assert.equal(refusalRule(decided), 'restricted-unit-role');
  });

  it('calls a custom role an administrator role without inventing a name', () => {
    const decided = refusal(
      decideReset(requester(role(HELPDESK_ADMIN)), target({ roles: [role(CUSTOM_ROLE)] }), NO_WRITEBACK),
    );
    assert.match(decided.reason, /holds an administrator role that only the highest roles can override/);
  });

  it('compares role ids without regard to case', () => {
    const decided = decideReset(
      requester(role(HELPDESK_ADMIN.toUpperCase())),
      target({ roles: [role(GLOBAL_ADMIN.toUpperCase())] }),
      NO_WRITEBACK,
    );
    assert.equal(refusalRule(decided), 'target-role-protected');
  });
});

describe('checkRequester', () => {
  for (const [name, id] of COLUMNS) {
    it(`accepts an active tenant-wide ${name}`, () => {
      assert.equal(checkRequester(requester(role(id))), null);
    });
  }

  it('politely refuses a user without an admin role, pointing to the helpdesk and SSPR', () => {
    const refused = checkRequester(requester());
    assert.equal(refused?.rule, 'requester-not-admin');
    assert.match(refused?.reason ?? '', /only helpdesk administrators can use this bot/i);
    assert.match(refused?.nextStep ?? '', /https:\/\/aka\.ms\/sspr/);
  });

  it('refuses a role that cannot reset passwords (Global Reader, Groups Administrator)', () => {
    assert.equal(
      checkRequester(requester(role(GLOBAL_READER), role(GROUPS_ADMIN)))?.rule,
      'requester-not-admin',
    );
  });

  it('refuses a requester whose Helpdesk Administrator role is only scoped to an administrative unit', () => {
    const refused = checkRequester(requester(role(HELPDESK_ADMIN, 'active', AU_SCOPE)));
    assert.equal(refused?.rule, 'requester-not-admin');
    assert.match(refused?.reason ?? '', /administrative unit/);
  });

  it('refuses a requester whose role is only eligible, telling them to activate it', () => {
    const refused = checkRequester(requester(role(HELPDESK_ADMIN, 'eligible')));
    assert.equal(refused?.rule, 'requester-not-admin');
    assert.match(refused?.nextStep ?? '', /Activate the role/);
  });

  it('refuses before anything about the target is looked at or mentioned', () => {
    const decided = refusal(
      decideReset(
        requester(),
        target({ roles: [role(GLOBAL_ADMIN)], user: { displayName: 'Patti Fernandez' } }),
        NO_WRITEBACK,
      ),
    );
    assert.equal(decided.rule, 'requester-not-admin');
    assert.doesNotMatch(`${decided.reason} ${decided.nextStep}`, /Patti|Global Administrator/);
  });
});

describe('decideReset: whether the target can be reset here at all', () => {
  const helpdesk = requester(role(HELPDESK_ADMIN));

  it('refuses resetting your own password and points to https://aka.ms/sspr', () => {
    const self = target({ user: { id: helpdesk.user.id.toUpperCase() } });
    const decided = refusal(decideReset(helpdesk, self, NO_WRITEBACK));
    assert.equal(decided.rule, 'self-reset');
    assert.match(decided.nextStep, /https:\/\/aka\.ms\/sspr/);
  });

  it('refuses a guest whose invitation is pending', () => {
    const pending = target({
      user: {
        userType: 'Guest',
        creationType: 'Invitation',
        externalUserState: 'PendingAcceptance',
        userPrincipalName: 'pat_fabrikam.com#EXT#@contoso.onmicrosoft.com',
      },
    });
    assert.equal(refusalRule(decideReset(helpdesk, pending, NO_WRITEBACK)), 'pending-invitation');
  });

  const externalIdentities: [string, { signInType: string; issuer: string }][] = [
    ['another Entra tenant', { signInType: 'federated', issuer: 'ExternalAzureAD' }],
    ['a Microsoft account', { signInType: 'federated', issuer: 'MicrosoftAccount' }],
    ['Google', { signInType: 'federated', issuer: 'google.com' }],
    ['Facebook', { signInType: 'federated', issuer: 'facebook.com' }],
    ['email one-time passcode', { signInType: 'federated', issuer: 'mail' }],
    [
      'a SAML/WS-Fed issuer URI',
      { signInType: 'federated', issuer: 'https://sts.partner.example/adfs/services/trust' },
    ],
    [
      'an issuer URI even without signInType federated',
      { signInType: 'emailAddress', issuer: 'https://idp.example' },
    ],
  ];
  for (const [name, identity] of externalIdentities) {
    it(`refuses a guest who signs in with ${name}`, () => {
      const guest = target({
        user: {
          userType: 'Guest',
          creationType: 'Invitation',
          externalUserState: 'Accepted',
          identities: [{ ...identity, issuerAssignedId: null }],
          userPrincipalName: 'pat@contoso.com',
        },
      });
      const decided = refusal(decideReset(helpdesk, guest, NO_WRITEBACK));
      assert.equal(decided.rule, 'external-identity');
    });
  }

  it('refuses an external member (userType Member) homed in another tenant', () => {
    const member = target({
      user: {
        userType: 'Member',
        identities: [{ signInType: 'federated', issuer: 'ExternalAzureAD', issuerAssignedId: null }],
      },
    });
    assert.equal(refusalRule(decideReset(helpdesk, member, NO_WRITEBACK)), 'external-identity');
  });

  it('refuses a #EXT# user even when identities name only this tenant', () => {
    const guest = target({ user: { userPrincipalName: 'pat_fabrikam.com#ext#@contoso.onmicrosoft.com' } });
    assert.equal(refusalRule(decideReset(helpdesk, guest, NO_WRITEBACK)), 'external-identity');
  });

  it('lets an internal guest (credentials in this tenant) be reset', () => {
    const internalGuest = target({
      user: {
        userType: 'Guest',
        identities: [
          {
            signInType: 'userPrincipalName',
            issuer: 'contoso.onmicrosoft.com',
            issuerAssignedId: 'vendor@contoso.com',
          },
        ],
        userPrincipalName: 'vendor@contoso.com',
      },
    });
    assert.equal(refusalRule(decideReset(helpdesk, internalGuest, NO_WRITEBACK)), 'allowed');
  });

  it('refuses a user of a federated domain and says to change it on-premises or at the federation provider', () => {
    const federated = target({
      user: { userPrincipalName: 'kim@fabrikam.com' },
      domain: { id: 'fabrikam.com', authenticationType: 'Federated' },
    });
    const decided = refusal(decideReset(helpdesk, federated, NO_WRITEBACK));
    assert.equal(decided.rule, 'federated-domain');
    assert.match(decided.reason, /fabrikam\.com/);
    assert.match(decided.nextStep, /on-premises Active Directory or the federation provider/);
  });

  it('treats a UPN domain that is not a verified domain as managed', () => {
    assert.equal(refusalRule(decideReset(helpdesk, target({ domain: null }), NO_WRITEBACK)), 'allowed');
  });

  it('refuses an on-premises-synced user when password writeback is off, explaining writeback', () => {
    const decided = refusal(
      decideReset(helpdesk, target({ user: { onPremisesSyncEnabled: true } }), NO_WRITEBACK),
    );
    assert.equal(decided.rule, 'on-premises-synced');
    assert.match(decided.reason, /password writeback/);
    assert.match(decided.nextStep, /on-premises Active Directory/);
  });

  it('lets an on-premises-synced user be reset as the agent when password writeback is on', () => {
    const synced = target({ user: { onPremisesSyncEnabled: true } });
    const settings: PolicySettings = { passwordWritebackEnabled: true, resetAs: 'agent' };
    assert.equal(refusalRule(decideReset(helpdesk, synced, settings)), 'allowed');
  });

  it('refuses an on-premises-synced user when the bot resets with its own identity, writeback or not', () => {
    const synced = target({ user: { onPremisesSyncEnabled: true } });
    for (const passwordWritebackEnabled of [false, true]) {
      const decided = refusal(decideReset(helpdesk, synced, { passwordWritebackEnabled, resetAs: 'bot' }));
      assert.equal(decided.rule, 'on-premises-synced');
      assert.match(decided.reason, /never written back to on-premises Active Directory/);
      assert.match(decided.nextStep, /RESET_AS=agent/);
    }
  });

  it('lets a formerly synced user (onPremisesSyncEnabled false) be reset', () => {
    assert.equal(
      refusalRule(decideReset(helpdesk, target({ user: { onPremisesSyncEnabled: false } }), NO_WRITEBACK)),
      'allowed',
    );
  });

  it('refuses a user in a restricted management administrative unit, even for a Global Administrator', () => {
    const restricted = target({ user: { isManagementRestricted: true } });
    assert.equal(
      refusalRule(decideReset(requester(role(GLOBAL_ADMIN)), restricted, NO_WRITEBACK)),
      'restricted-management-unit',
    );
  });

  it('allows resetting a disabled account, with a warning', () => {
    const decided = decideReset(helpdesk, target({ user: { accountEnabled: false } }), NO_WRITEBACK);
    assert.ok(decided.allowed);
    assert.equal(decided.warnings.length, 1);
    assert.match(decided.warnings[0], /disabled/);
  });

  it('allows an ordinary user with no warnings', () => {
    assert.deepEqual(decideReset(helpdesk, target(), NO_WRITEBACK), { allowed: true, warnings: [] });
  });
});

describe('decideReset: which refusal wins when several apply', () => {
  const helpdesk = requester(role(HELPDESK_ADMIN));
  // Each entry makes one rule refuse; the list is in the documented order of precedence.
  const violations: [RefusalRule, (t: TargetProfile) => void][] = [
    ['self-reset', (t) => (t.user.id = helpdesk.user.id)],
    ['pending-invitation', (t) => (t.user.externalUserState = 'PendingAcceptance')],
    [
      'external-identity',
      (t) =>
        (t.user.identities = [
          { signInType: 'federated', issuer: 'ExternalAzureAD', issuerAssignedId: null },
        ]),
    ],
    ['federated-domain', (t) => (t.domain = { id: 'fabrikam.com', authenticationType: 'Federated' })],
    ['on-premises-synced', (t) => (t.user.onPremisesSyncEnabled = true)],
    ['restricted-management-unit', (t) => (t.user.isManagementRestricted = true)],
    ['target-role-protected', (t) => (t.roles = [role(GLOBAL_ADMIN)])],
    [
      'restricted-unit-role',
      (t) => {
        t.roles = [...t.roles, role(PASSWORD_ADMIN, 'active', scopeOf(RESTRICTED_UNIT))];
        t.roleUnits = [RESTRICTED_UNIT];
      },
    ],
    ['role-assignable-group', (t) => (t.roleAssignableGroups = [{ id: 'g', displayName: 'Tier0 Admins' }])],
  ];

  violations.forEach(([rule], index) => {
    it(`reports ${rule} over every rule listed after it`, () => {
      const profile = target();
      for (const [, apply] of violations.slice(index)) {
        apply(profile);
      }
      assert.equal(refusalRule(decideReset(helpdesk, profile, NO_WRITEBACK)), rule);
    });
  });

  it('reports requester-not-admin over everything', () => {
    const profile = target();
    for (const [, apply] of violations) {
      apply(profile);
    }
    assert.equal(refusalRule(decideReset(requester(), profile, NO_WRITEBACK)), 'requester-not-admin');
  });
});
