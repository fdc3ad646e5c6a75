import { REQUIRED_GRAPH_PERMISSIONS } from '../graph/permissions';
import { result, type CheckResult } from './checks';

const GRANT =
  'Entra admin center → App registrations → the app → API permissions → Add a permission → Microsoft Graph → ' +
  'Application permissions →';

/** One row per permission the bot needs, read from the token's `roles`, and one for what it does not need. */
export function checkGraphPermissions(granted: readonly string[]): CheckResult[] {
  const rows = REQUIRED_GRAPH_PERMISSIONS.map((permission) => {
    const check = `Graph permission ${permission.name}`;
    if (granted.includes(permission.name)) return result(check, 'ok', `granted: ${permission.why}`);
    const broader = permission.broaderAlternatives.filter((p) => granted.includes(p));
    if (broader.length > 0) {
      return result(
        check,
        'warning',
        `not granted, but the broader ${broader.join(', ')} covers it: the bot can ${permission.why}, with more rights than it needs`,
        `${GRANT} ${permission.name}, then Grant admin consent; remove ${broader.join(', ')} unless something else needs it.`,
      );
    }
    return result(
      check,
      'blocking',
      `not granted (it is not in the token's roles): the bot cannot ${permission.why}`,
      `${GRANT} ${permission.name}, then Grant admin consent for the tenant.`,
    );
  });
  const needed = new Set(REQUIRED_GRAPH_PERMISSIONS.map((p) => p.name));
  const extra = granted.filter((p) => !needed.has(p));
  rows.push(
    extra.length === 0
      ? result('Graph permissions beyond need', 'ok', 'none: the app holds only what the bot uses')
      : result(
          'Graph permissions beyond need',
          'warning',
          `also granted: ${extra.join(', ')}. The bot does not use them; a stolen credential could`,
          'Remove them under API permissions (Remove permission, then Grant admin consent again) unless another ' +
            'program shares this app registration.',
        ),
  );
  return rows;
}
