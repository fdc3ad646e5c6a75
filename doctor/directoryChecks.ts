import type { DeploymentProbe, ProbeFailure } from '../graph/deploymentProbe';
import type { ResetMode } from '../graph/permissions';
import { result, type CheckResult } from './checks';
import { assessServicePrincipalRoles, ROLE_CHECK } from './servicePrincipalRole';

export const PIM_CHECK = 'PIM (Entra ID P2 or Governance)';

/**
 * Reads the service principal's direct, active role assignments and judges them. Its id is the token's
 * `oid`: reading it by appId would need Application.Read.All, which the bot does not hold. Roles held through
 * a group, or only eligible in PIM, are not counted.
 */
export async function checkServicePrincipalRole(
  probe: DeploymentProbe,
  servicePrincipalId: string,
  mode: ResetMode,
): Promise<CheckResult> {
  const answer = await probe.directRoleAssignments(servicePrincipalId);
  if (!answer.ok) return couldNotCheck(ROLE_CHECK, answer, 'read role assignments');
  return assessServicePrincipalRoles(answer.value, mode);
}

/**
 * PIM needs Entra ID P2 or Governance; without it the eligibility endpoint answers 400
 * `AadPremiumLicenseRequired` and no eligible assignment exists. Informational either way.
 */
export async function checkPimLicence(
  probe: DeploymentProbe,
  servicePrincipalId: string,
): Promise<CheckResult> {
  const answer = await probe.eligibleRoleAssignments(servicePrincipalId);
  if (answer.ok) {
    return result(
      PIM_CHECK,
      'ok',
      'licensed: the bot reads PIM-eligible roles and protects their holders as if the roles were active',
    );
  }
  if (answer.status === 400 && answer.code === 'AadPremiumLicenseRequired') {
    return result(
      PIM_CHECK,
      'ok',
      "not licensed: eligible roles don't exist in this tenant, and the bot treats that answer as none",
    );
  }
  return couldNotCheck(PIM_CHECK, answer, 'read PIM eligibility');
}

function couldNotCheck(check: string, failure: ProbeFailure, action: string): CheckResult {
  if (failure.status === 403) {
    return result(
      check,
      'skipped',
      `Graph refused to ${action} (403): the app lacks RoleManagement.Read.Directory (see its row)`,
      'Grant RoleManagement.Read.Directory, then run the preflight again.',
    );
  }
  const what = failure.status !== null ? `${failure.status} ${failure.code ?? ''}`.trim() : failure.message;
  return result(
    check,
    'warning',
    `could not ${action}: ${what}`,
    'Run the preflight again; if this persists, check that GRAPH_BASE_URL is reachable from this host.',
  );
}
