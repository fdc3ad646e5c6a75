import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { createGraphClient, type GraphConnectionConfig } from './graphClient';
import { encodeQueryValue, equals } from './odata';

/** A Graph answer the preflight reports as it came: status and Graph's error code, never a stack. */
export type ProbeOutcome<T> = { ok: true; value: T } | ProbeFailure;

export interface ProbeFailure {
  ok: false;
  /** The HTTP status Graph answered; null when no answer came (network, timeout). */
  status: number | null;
  code: string | null;
  message: string;
}

export interface ProbedRoleAssignment {
  roleDefinitionId: string;
  directoryScopeId: string;
}

const MAX_PAGES = 10;

const rolePageSchema = z.object({
  value: z.array(z.object({ roleDefinitionId: z.string().min(1), directoryScopeId: z.string().min(1) })),
  '@odata.nextLink': z.string().optional(),
});

/**
 * The few Graph reads `npm run doctor` makes about the deployment itself, through the bot's own Graph client
 * (its credential, timeouts and retries), so that what the preflight sees is what the bot will see.
 */
export class DeploymentProbe {
  constructor(private readonly client: Client) {}

  static fromConfig(config: GraphConnectionConfig): DeploymentProbe {
    return new DeploymentProbe(createGraphClient(config));
  }

  /** Direct, active role assignments of a principal (v1.0 "List unifiedRoleAssignments"). */
  async directRoleAssignments(principalId: string): Promise<ProbeOutcome<ProbedRoleAssignment[]>> {
    return this.attempt(async () => {
      const rows: ProbedRoleAssignment[] = [];
      let body: unknown = await this.client
        .api('/roleManagement/directory/roleAssignments')
        .filter(encodeQueryValue(equals('principalId', principalId)))
        .get();
      for (let page = 1; ; page++) {
        const parsed = rolePageSchema.safeParse(body);
        if (!parsed.success) throw new Error('Graph answered role assignments with an unexpected shape');
        rows.push(
          ...parsed.data.value.map((r) => ({
            roleDefinitionId: r.roleDefinitionId.toLowerCase(),
            directoryScopeId: r.directoryScopeId,
          })),
        );
        const next = parsed.data['@odata.nextLink'];
        if (next === undefined) return rows;
        if (page >= MAX_PAGES || !next.startsWith('https://')) throw new Error('Graph kept paging');
        body = await this.client.api(next).get();
      }
    });
  }

  /**
   * Asks the PIM eligibility endpoint the bot asks; its answer says whether PIM is licensed (400
   * `AadPremiumLicenseRequired` when it is not).
   */
  async eligibleRoleAssignments(principalId: string): Promise<ProbeOutcome<true>> {
    return this.attempt(async () => {
      await this.client
        .api('/roleManagement/directory/roleEligibilityScheduleInstances')
        .filter(encodeQueryValue(equals('principalId', principalId)))
        .get();
      return true as const;
    });
  }

  private async attempt<T>(work: () => Promise<T>): Promise<ProbeOutcome<T>> {
    try {
      return { ok: true, value: await work() };
    } catch (error) {
      const { statusCode, code } = (error ?? {}) as { statusCode?: unknown; code?: unknown };
      const message = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        status: typeof statusCode === 'number' && statusCode > 0 ? statusCode : null,
        code: typeof code === 'string' ? code : null,
        message: message.split(/\r?\n/)[0]?.slice(0, 200) ?? '',
      };
    }
  }
}
