/**
 * Facts of the simulated demo tenant the benchmark relies on (simulator/fixture/demoTenant.json): who plays
 * the helpdesk agents, whom they reset, and the app registration the bot signs in as.
 */
export const TENANT_ID = '6d1f0c54-2b8e-4f8a-9c3d-7e5a1b2c3d4e';
/** Helpdesk Reset: the Graph app registration, which also stands for the Azure Bot's. */
export const BOT_APP_ID = '3f2c8a1e-5b7d-4e9f-a0c1-d2e3f4a5b6c7';
export const BOT_APP_SECRET = 'sim-demo-client-secret';

export interface DirectoryPerson {
  aadObjectId: string;
  name: string;
}

const person = (nn: string, name: string): DirectoryPerson => ({
  aadObjectId: `e1a00000-0000-4000-8000-0000000000${nn}`,
  name,
});

/**
 * Agents whose role lets them reset the targets below: Helpdesk, Password and User Administrators and a
 * Privileged Authentication Administrator, one of them holding the role through a role-assignable group.
 * Alex Wilber first: the figures are his.
 */
export const AGENTS: readonly DirectoryPerson[] = [
  person('01', 'Alex Wilber'),
  person('07', 'Diego Siciliani'),
  person('06', 'Lynne Robbins'),
  person('08', 'Grady Archie'),
  person('09', 'Henrietta Mueller'),
  person('0e', 'Miriam Graham'),
];

/**
 * Users without any role, in the administrative unit the bot's service principal may reset (Helpdesk-served
 * users), cloud-only and enabled: every agent above may reset each of them, as often as the limits allow.
 * Megan Bowen first: the figures reset her.
 */
export const TARGETS: readonly string[] = [
  'meganb@contoso.com',
  'adelev@contoso.com',
  'isaiahl@contoso.com',
  'alexj@contoso.com',
  'alexandram@contoso.com',
  'alexisk@contoso.com',
  'alexwilson@contoso.com',
  'zrinkam@contoso.com',
  'tomaso@contoso.com',
  'megans@contoso.com',
  'ravik@contoso.com',
  'aoife.obrien@contoso.com',
];

/** Megan Bowen, whose id the directory benchmark looks up. */
export const MEGAN_ID = 'e1a00000-0000-4000-8000-000000000002';

/**
 * The reset limits' highest settings (`RATE_LIMIT_*`, at most 1000): on, as in production, and out of the
 * way of a run that spreads its resets over the agents and targets above.
 */
export const RESET_LIMIT = 1000;
