import { ConfigError, loadConfig, type BotConfig } from '../bot/config';
import { DeploymentProbe } from '../graph/deploymentProbe';
import { REQUIRED_GRAPH_PERMISSIONS } from '../graph/permissions';
import { checkBotFramework } from './botFrameworkCheck';
import { result, type CheckResult } from './checks';
import { checkPimLicence, checkServicePrincipalRole, PIM_CHECK } from './directoryChecks';
import { signInToGraph } from './graphSignIn';
import { checkOAuthConnection } from './oauthConnectionCheck';
import { checkGraphPermissions } from './permissionChecks';
import { ROLE_CHECK } from './servicePrincipalRole';

/**
 * The preflight: with the bot's own configuration and credential code, what a real deployment gets wrong.
 * Each check reports what it found and what to do; later checks that depend on an earlier one say so.
 */
export async function runDoctor(environment: NodeJS.ProcessEnv): Promise<CheckResult[]> {
  let config: BotConfig;
  try {
    config = loadConfig(environment);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [
      result(
        'Configuration',
        'blocking',
        error.problems.join('; '),
        'Fix each variable named, in the environment or in .env: the bot refuses to start until then.',
      ),
    ];
  }

  const agentMode =
    config.agentSignIn === null
      ? ''
      : `; RESET_AS=agent: passwords are changed with the signed-in agent's token, OAuth connection ` +
        `"${config.agentSignIn.connectionName}" at ${config.agentSignIn.tokenServiceUrl}`;
  const results: CheckResult[] = [
    result(
      'Configuration',
      'ok',
      `tenant ${config.tenantId}; Entra sign-in at ${config.graph.authorityHost}; Graph at ${config.graph.graphBaseUrl}${agentMode}`,
    ),
    await checkBotFramework(config),
  ];
  // Only RESET_AS=agent signs agents in; bot mode never calls the token service.
  if (config.agentSignIn !== null) results.push(await checkOAuthConnection(config, config.agentSignIn));
  const graph = await signInToGraph(config.graph);
  results.push(graph.result);
  if (graph.claims === null) {
    const waiting = (check: string) =>
      result(check, 'skipped', 'needs a Graph token (see Graph sign-in)', 'Fix Graph sign-in first.');
    return [
      ...results,
      ...REQUIRED_GRAPH_PERMISSIONS.map((p) => waiting(`Graph permission ${p.name}`)),
      waiting(ROLE_CHECK),
      waiting(PIM_CHECK),
    ];
  }
  results.push(...checkGraphPermissions(graph.claims.roles, config.resetAs));
  const probe = DeploymentProbe.fromConfig(config.graph);
  results.push(await checkServicePrincipalRole(probe, graph.claims.servicePrincipalId, config.resetAs));
  results.push(await checkPimLicence(probe, graph.claims.servicePrincipalId));
  return results;
}
