import { REQUIRED_GRAPH_PERMISSIONS, type ResetMode } from '../graph/permissions';
import { result, type CheckResult } from './checks';

const GRANT =
  'Entra admin center → App registrations → the app → API permissions → Add a permission → Microsoft Graph → ' +
  'Application permissions →';

/**
 * One row per permission in the list, read from the token's `roles`, and one for what the bot does not need.
 * A permission the bot needs only in the other mode (`User-PasswordProfile.ReadWrite.All` with
 * `RESET_AS=agent`) is ok when absent and a warning when granted.
 */
export function checkGraphPermissions(granted: readonly string[], mode: ResetMode): CheckResult[] {
  const rows = REQUIRED_GRAPH_PERMISSIONS.map((permission) => {
    const check = `Graph permission ${permission.name}`;
    if (!permission.neededWhen.includes(mode)) return notNeededIn(mode, check, permission.name, granted);
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
  const listed = new Set(REQUIRED_GRAPH_PERMISSIONS.map((p) => p.name));
  const extra = granted.filter((p) => !listed.has(p));
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

/** Only `RESET_AS=agent` leaves a listed permission unused: the agent's own token changes the password. */
function notNeededIn(mode: ResetMode, check: string, name: string, granted: readonly string[]): CheckResult {
  const why =
    mode === 'agent'
      ? "with RESET_AS=agent the signed-in agent's delegated token changes the password, never the bot's own"
      : 'with RESET_AS=bot the bot never makes the call that needs it';
  return granted.includes(name)
    ? result(
        check,
        'warning',
        `granted, but more than RESET_AS=${mode} needs: ${why}. A stolen credential could use it`,
        `Remove ${name} under API permissions (Remove permission, then Grant admin consent again), unless you ` +
          `plan to switch to RESET_AS=${mode === 'agent' ? 'bot' : 'agent'}.`,
      )
    : result(check, 'ok', `not granted, and not needed: ${why}`);
}
