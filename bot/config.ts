import { CallerIdConstants } from 'botbuilder';
import { AuthenticationConstants, GovernmentConstants } from 'botframework-connector';
import { z } from 'zod';
import { isGuid } from '../core/directoryIds';
import type { VerificationSettings } from '../core/resets';
import { PUBLIC_CLOUD_AUTHORITY, PUBLIC_CLOUD_GRAPH } from '../graph/clouds';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings } from '../core/rateLimits';
import type { AppCredentialConfig } from '../graph/appCredential';
import type { GraphConnectionConfig } from '../graph/graphClient';
import { DEFAULT_CLICK_BUDGET_MS } from './clickBudget';

/**
 * How long a stopping bot waits for work in flight by default: under the 30 s Azure Container Apps and
 * Kubernetes give a container between SIGTERM and SIGKILL (`terminationGracePeriodSeconds`).
 */
const DEFAULT_SHUTDOWN_GRACE_SECONDS = 25;

/**
 * The bot's configuration, read from the environment (and an optional `.env`). Names are the ones the
 * Bot Framework and `@azure/identity` already use, so a deployment's settings need no translation.
 */
export interface BotConfig {
  /** `PORT`: where `/api/messages` listens (default 3978; 0 picks a free port, for tests). */
  port: number;
  /** Bot Framework authentication; null only when explicitly and dangerously switched off. */
  botAuthentication: BotAuthenticationConfig | null;
  /** `AZURE_TENANT_ID`: the one tenant whose activities the bot serves and whose directory it changes. */
  tenantId: string;
  graph: GraphConnectionConfig;
  /** `PASSWORD_WRITEBACK_ENABLED`: the deployment declares Entra Connect password writeback (default false). */
  passwordWritebackEnabled: boolean;
  /**
   * `RESET_AS`: who changes the password in Entra. `bot` (default): the bot's own app identity, app-only.
   * `agent`: the signed-in agent, with their delegated token, so Entra checks the agent's own role.
   */
  resetAs: ResetAs;
  /** How agents sign in; set exactly when `resetAs` is `agent`. */
  agentSignIn: AgentSignInConfig | null;
  /** `LOG_LEVEL` (default info). */
  logLevel: LogLevel;
  /**
   * `CLICK_BUDGET_SECONDS`: the most a Reset password click may take, Graph's retries and their waits
   * included, before its card shows the outcome as it stands (default 20).
   */
  clickBudgetMs: number;
  /**
   * `SHUTDOWN_GRACE_SECONDS`: how long a SIGTERM'd bot waits for resets in flight before it exits anyway
   * (default 25: under the 30 s Azure Container Apps and Kubernetes give a container before SIGKILL).
   */
  shutdownGraceMs: number;
  /**
   * `CALLER_VERIFICATION` and `TICKET_REFERENCE` (`off`, `optional` or `required`; default `optional`): whether
   * the confirmation card asks how the agent verified the caller, and for the ticket reference, both recorded
   * in the audit record; `required` refuses a click without them.
   */
  verification: VerificationSettings;
  /** Who may use the bot, whom it never resets, and how often it resets (see `AbuseControlsConfig`). */
  abuseControls: AbuseControlsConfig;
  /** Where state and the audit trail are kept (see `StoreConfig`). */
  store: StoreConfig;
}

/**
 * `STATE_STORE`: where conversation state, pending card actions, reset counters and the audit trail are kept.
 * `sqlite` (default): a file on this machine, for one instance. `blob`: Azure Blob Storage, for several.
 */
export type StoreConfig = (SqliteStoreConfig | BlobStoreConfig) & {
  /** `AUDIT_RETENTION_DAYS` (default 400): how long audit records are kept. */
  auditRetentionDays: number;
};

export interface SqliteStoreConfig {
  kind: 'sqlite';
  /** `STATE_SQLITE_FILE` (default `data/helpdesk-reset.sqlite`, from the working directory). */
  file: string;
}

export interface BlobStoreConfig {
  kind: 'blob';
  /**
   * `STATE_BLOB_CONNECTION_STRING`, or `STATE_BLOB_ACCOUNT_URL` (https) reached with the bot's own app
   * credential (`AZURE_CLIENT_*`, or its managed identity), which needs "Storage Blob Data Contributor".
   */
  connection: { connectionString: string } | { accountUrl: string };
  /** `STATE_BLOB_CONTAINER` (default `helpdesk-reset-state`). */
  stateContainer: string;
  /** `AUDIT_BLOB_CONTAINER` (default `helpdesk-reset-audit`): its own container, for an immutability policy. */
  auditContainer: string;
}

export const DEFAULT_SQLITE_FILE = 'data/helpdesk-reset.sqlite';
export const DEFAULT_AUDIT_RETENTION_DAYS = 400;

/** Limits the deployment sets on top of the role rules (README, "Abuse controls"). */
export interface AbuseControlsConfig {
  /** `RATE_LIMIT_RESETS_PER_AGENT_PER_HOUR` (default 10) and `RATE_LIMIT_RESETS_PER_TARGET_PER_DAY` (3); 0: off. */
  rateLimits: RateLimitSettings;
  /** `PROTECTED_USER_IDS`: comma-separated object ids the bot never resets (lower case). */
  protectedUserIds: string[];
  /** `PROTECTED_GROUP_IDS`: comma-separated group object ids whose (transitive) members it never resets. */
  protectedGroupIds: string[];
  /** `HELPDESK_GROUP_ID`: only (transitive) members of this group may use the bot; null: the role rule alone. */
  helpdeskGroupId: string | null;
}

export interface BotAuthenticationConfig {
  /** `MicrosoftAppId`: the Azure Bot's app id. */
  appId: string;
  /** `MicrosoftAppPassword`: required for SingleTenant, must be empty for UserAssignedMSI. */
  appPassword: string;
  /** `MicrosoftAppType`. Multi-tenant bots can no longer be created, so only these two. */
  appType: 'SingleTenant' | 'UserAssignedMSI';
  /** `MicrosoftAppTenantId`. */
  appTenantId: string;
  /** Which Bot Framework cloud the bot talks to, and how it checks the channel's tokens. */
  cloud: BotFrameworkCloudConfig;
}

/**
 * The settings botbuilder's `ConfigurationBotFrameworkAuthentication` reads, under its own names. Each one not
 * set takes the value of the cloud `ChannelService` names (empty: public; `https://botframework.azure.us`: US
 * Government), so a deployment sets only what differs. Any other `ChannelService` (a cloud botbuilder has no
 * constants for) needs the seven URL settings and `CallerId` spelled out.
 */
export interface BotFrameworkCloudConfig {
  /** `ChannelService` (empty for the public cloud). */
  channelService: string;
  /** `ValidateAuthority` (default true). */
  validateAuthority: boolean;
  /** `ToChannelFromBotLoginUrl`: where the bot gets tokens for its replies. */
  toChannelFromBotLoginUrl: string;
  /** `ToChannelFromBotOAuthScope`: the audience of those tokens. */
  toChannelFromBotOAuthScope: string;
  /** `ToBotFromChannelTokenIssuer`: the `iss` every inbound channel token must carry. */
  toBotFromChannelTokenIssuer: string;
  /** `ToBotFromChannelOpenIdMetadataUrl`: the OpenID document naming the channel's signing keys. */
  toBotFromChannelOpenIdMetadataUrl: string;
  /** `ToBotFromEmulatorOpenIdMetadataUrl`: the same for Emulator (Entra) tokens, which the bot refuses anyway. */
  toBotFromEmulatorOpenIdMetadataUrl: string;
  /** `OAuthUrl`: the Bot Framework token service (agent sign-in). */
  oAuthUrl: string;
  /** `CallerId`: set on every authenticated activity. */
  callerId: string;
}

export type ResetAs = 'bot' | 'agent';

export interface AgentSignInConfig {
  /** `OAUTH_CONNECTION_NAME`: the Azure Bot's OAuth connection (Azure Active Directory v2) agents sign in with. */
  connectionName: string;
  /** `OAuthUrl` (botbuilder's name): the Bot Framework token service, `https://token.botframework.com` by default. */
  tokenServiceUrl: string;
  /**
   * Who the bot is to the token service: the Azure Bot's app registration (`MicrosoftApp*`). Without
   * `MicrosoftAppId` (the local demo only) it is the Graph app registration (`AZURE_CLIENT_*`).
   */
  credential: AppCredentialConfig;
}

export const PUBLIC_TOKEN_SERVICE = 'https://token.botframework.com';

/** The URL-valued settings among botbuilder's, in its order; a custom `ChannelService` needs all of them. */
const CLOUD_URL_SETTINGS = [
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'ToBotFromChannelTokenIssuer',
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromEmulatorOpenIdMetadataUrl',
  'OAuthUrl',
] as const;
type CloudUrlSetting = (typeof CLOUD_URL_SETTINGS)[number];
type CloudDefaults = Record<CloudUrlSetting | 'CallerId', string>;

/**
 * botbuilder's own constants for the two clouds `ChannelService` can name (what `BotFrameworkAuthenticationFactory`
 * uses when nothing else is set), except `OAuthUrl` for the public cloud: the token service Learn names
 * (token.botframework.com, "OAuth URL support in Azure AI Bot Service"), which this bot has always used.
 */
const PUBLIC_CLOUD: CloudDefaults = {
  ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
  ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
  ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
  ToBotFromChannelOpenIdMetadataUrl: AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
  ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
  OAuthUrl: PUBLIC_TOKEN_SERVICE,
  CallerId: CallerIdConstants.PublicAzureChannel,
};
const US_GOVERNMENT_CLOUD: CloudDefaults = {
  ToChannelFromBotLoginUrl: GovernmentConstants.ToChannelFromBotLoginUrl,
  ToChannelFromBotOAuthScope: GovernmentConstants.ToChannelFromBotOAuthScope,
  ToBotFromChannelTokenIssuer: GovernmentConstants.ToBotFromChannelTokenIssuer,
  ToBotFromChannelOpenIdMetadataUrl: GovernmentConstants.ToBotFromChannelOpenIdMetadataUrl,
  ToBotFromEmulatorOpenIdMetadataUrl: GovernmentConstants.ToBotFromEmulatorOpenIdMetadataUrl,
  OAuthUrl: GovernmentConstants.OAuthUrl,
  CallerId: CallerIdConstants.USGovChannel,
};

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export const DANGEROUS_UNAUTHENTICATED_SWITCH = 'BOT_DANGEROUSLY_ALLOW_UNAUTHENTICATED';

/** Every problem found in the environment, so an operator fixes them all in one go. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const guid = (name: string) => z.string().refine(isGuid, `${name} must be a GUID`);

const httpsUrl = (name: string) =>
  z
    .string()
    .url(`${name} must be a URL`)
    .refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', `${name} must use https`)
    .transform((value) => value.replace(/\/+$/, ''));

/**
 * An absolute URL for a Bot Framework setting: https, or plain http to a loopback host only. The exception is
 * for tests, which point the bot at a local OpenID/JWKS stand-in; nothing off this machine can be reached over
 * http, so a token's keys are never fetched where someone on the network could swap them. The value is kept as
 * written: the issuer is compared with the token's `iss` character for character.
 */
const botFrameworkUrl = (name: string) =>
  z
    .string()
    .url(`${name} must be an absolute URL`)
    .refine((value) => URL.canParse(value) && isHttpsOrLoopbackHttp(new URL(value)), {
      message: `${name} must use https (http only to localhost, 127.0.0.1 or [::1])`,
    });

function isHttpsOrLoopbackHttp(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}
/** A whole number of resets, 0 (no limit) to 1000. */
const resetLimit = (name: string, fallback: number) =>
  optionalText.pipe(
    z.coerce
      .number({ invalid_type_error: `${name} must be a whole number (0 turns the limit off)` })
      .int(`${name} must be a whole number (0 turns the limit off)`)
      .min(0, `${name} must be between 0 (no limit) and 1000`)
      .max(1000, `${name} must be between 0 (no limit) and 1000`)
      .default(fallback),
  );

/** checkMemberGroups takes 20 ids per request; more protected groups would cost more requests on every card. */
const MAX_PROTECTED_GROUPS = 20;

/** A comma-separated list of object ids, lower-cased and without duplicates; empty when unset. */
const guidList = (name: string, max?: number) =>
  optionalText
    .transform((value) =>
      value === undefined
        ? []
        : [
            ...new Set(
              value
                .split(',')
                .map((item) => item.trim().toLowerCase())
                .filter((item) => item !== ''),
            ),
          ],
    )
    .refine((ids) => ids.every(isGuid), `${name} must be a comma-separated list of object ids (GUIDs)`)
    .refine(
      (ids) => max === undefined || ids.length <= max,
      `${name} may name at most ${max ?? 0} groups (nest more in one of them: membership is transitive)`,
    );

const flag = (name: string) =>
  z
    .enum(['true', 'false'], { errorMap: () => ({ message: `${name} must be "true" or "false"` }) })
    .transform((value) => value === 'true');

// Optional by default: the card asks and the audit records, and a deployment that upgrades keeps working.
const detailRequirement = (name: string) =>
  optionalText.pipe(
    z
      .enum(['off', 'optional', 'required'], {
        errorMap: () => ({ message: `${name} must be "off", "optional" or "required"` }),
      })
      .optional()
      .default('optional'),
  );

/** Azure's rule for container names: 3 to 63 lower-case letters, digits and single hyphens, no hyphen at an end. */
const containerName = (name: string, fallback: string) =>
  optionalText.pipe(
    z
      .string()
      .regex(
        /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/,
        `${name} must be 3 to 63 lower-case letters, digits and single hyphens (Azure's container naming rule)`,
      )
      .optional()
      .default(fallback),
  );

const storeEnvironmentSchema = z
  .object({
    STATE_STORE: optionalText.pipe(
      z
        .enum(['sqlite', 'blob'], { errorMap: () => ({ message: 'STATE_STORE must be "sqlite" or "blob"' }) })
        .optional()
        .default('sqlite'),
    ),
    STATE_SQLITE_FILE: optionalText.pipe(z.string().optional().default(DEFAULT_SQLITE_FILE)),
    STATE_BLOB_CONNECTION_STRING: optionalText,
    STATE_BLOB_ACCOUNT_URL: optionalText.pipe(httpsUrl('STATE_BLOB_ACCOUNT_URL').optional()),
    STATE_BLOB_CONTAINER: containerName('STATE_BLOB_CONTAINER', 'helpdesk-reset-state'),
    AUDIT_BLOB_CONTAINER: containerName('AUDIT_BLOB_CONTAINER', 'helpdesk-reset-audit'),
    AUDIT_RETENTION_DAYS: optionalText.pipe(
      z.coerce
        .number({ invalid_type_error: 'AUDIT_RETENTION_DAYS must be a whole number of days' })
        .int('AUDIT_RETENTION_DAYS must be a whole number of days')
        .min(1, 'AUDIT_RETENTION_DAYS must be between 1 and 3650')
        .max(3650, 'AUDIT_RETENTION_DAYS must be between 1 and 3650')
        .default(DEFAULT_AUDIT_RETENTION_DAYS),
    ),
  })
  .superRefine((env, context) => {
    const problem = (message: string) => context.addIssue({ code: z.ZodIssueCode.custom, message });
    const blobSettings = ['STATE_BLOB_CONNECTION_STRING', 'STATE_BLOB_ACCOUNT_URL'] as const;
    const given = blobSettings.filter((name) => env[name] !== undefined);
    if (env.STATE_STORE === 'blob' && given.length !== 1) {
      problem(
        'STATE_STORE=blob needs exactly one of STATE_BLOB_CONNECTION_STRING and STATE_BLOB_ACCOUNT_URL',
      );
    }
    if (env.STATE_STORE === 'sqlite' && given.length > 0) {
      problem(`${given.join(' and ')} ${given.length > 1 ? 'are' : 'is'} set but STATE_STORE is not "blob"`);
    }
    if (env.STATE_BLOB_CONTAINER === env.AUDIT_BLOB_CONTAINER) {
      problem(
        'STATE_BLOB_CONTAINER and AUDIT_BLOB_CONTAINER must differ: the audit trail has a container of its own',
      );
    }
  });

/** Reads and validates the store's settings alone (`npm run audit` needs no more). */
export function loadStoreConfig(environment: NodeJS.ProcessEnv): StoreConfig {
  const parsed = storeEnvironmentSchema.safeParse(environment);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => issue.message));
  return storeConfigOf(parsed.data);
}

function storeConfigOf(env: z.infer<typeof storeEnvironmentSchema>): StoreConfig {
  const auditRetentionDays = env.AUDIT_RETENTION_DAYS;
  if (env.STATE_STORE === 'sqlite')
    return { kind: 'sqlite', file: env.STATE_SQLITE_FILE, auditRetentionDays };
  return {
    kind: 'blob',
    connection:
      env.STATE_BLOB_CONNECTION_STRING !== undefined
        ? { connectionString: env.STATE_BLOB_CONNECTION_STRING }
        : { accountUrl: env.STATE_BLOB_ACCOUNT_URL ?? '' },
    stateContainer: env.STATE_BLOB_CONTAINER,
    auditContainer: env.AUDIT_BLOB_CONTAINER,
    auditRetentionDays,
  };
}

const environmentSchema = z
  .object({
    PORT: optionalText.pipe(
      z.coerce
        .number({ invalid_type_error: 'PORT must be a number' })
        .int('PORT must be a whole number')
        .min(0, 'PORT must be between 0 and 65535')
        .max(65535, 'PORT must be between 0 and 65535')
        .default(3978),
    ),
    MicrosoftAppId: optionalText.pipe(guid('MicrosoftAppId').optional()),
    MicrosoftAppPassword: optionalText,
    MicrosoftAppType: optionalText.pipe(
      z
        .enum(['SingleTenant', 'UserAssignedMSI'], {
          errorMap: () => ({ message: 'MicrosoftAppType must be SingleTenant or UserAssignedMSI' }),
        })
        .optional(),
    ),
    MicrosoftAppTenantId: optionalText.pipe(guid('MicrosoftAppTenantId').optional()),
    [DANGEROUS_UNAUTHENTICATED_SWITCH]: optionalText.pipe(
      flag(DANGEROUS_UNAUTHENTICATED_SWITCH).optional().default('false'),
    ),
    AZURE_TENANT_ID: optionalText.pipe(
      z
        .string({ required_error: 'AZURE_TENANT_ID is required' })
        .refine(isGuid, 'AZURE_TENANT_ID must be a GUID'),
    ),
    AZURE_CLIENT_ID: optionalText.pipe(guid('AZURE_CLIENT_ID').optional()),
    AZURE_CLIENT_SECRET: optionalText,
    AZURE_CLIENT_CERTIFICATE_PATH: optionalText,
    AZURE_AUTHORITY_HOST: optionalText.pipe(
      httpsUrl('AZURE_AUTHORITY_HOST').optional().default(PUBLIC_CLOUD_AUTHORITY),
    ),
    GRAPH_BASE_URL: optionalText.pipe(httpsUrl('GRAPH_BASE_URL').optional().default(PUBLIC_CLOUD_GRAPH)),
    GRAPH_TIMEOUT_SECONDS: optionalText.pipe(
      z.coerce
        .number({ invalid_type_error: 'GRAPH_TIMEOUT_SECONDS must be a number' })
        .min(1, 'GRAPH_TIMEOUT_SECONDS must be between 1 and 120')
        .max(120, 'GRAPH_TIMEOUT_SECONDS must be between 1 and 120')
        .default(10),
    ),
    CLICK_BUDGET_SECONDS: optionalText.pipe(
      z.coerce
        .number({ invalid_type_error: 'CLICK_BUDGET_SECONDS must be a number' })
        .min(5, 'CLICK_BUDGET_SECONDS must be between 5 and 120')
        .max(120, 'CLICK_BUDGET_SECONDS must be between 5 and 120')
        .default(DEFAULT_CLICK_BUDGET_MS / 1000),
    ),
    SHUTDOWN_GRACE_SECONDS: optionalText.pipe(
      z.coerce
        .number({ invalid_type_error: 'SHUTDOWN_GRACE_SECONDS must be a number' })
        .min(1, 'SHUTDOWN_GRACE_SECONDS must be between 1 and 600')
        .max(600, 'SHUTDOWN_GRACE_SECONDS must be between 1 and 600')
        .default(DEFAULT_SHUTDOWN_GRACE_SECONDS),
    ),
    PASSWORD_WRITEBACK_ENABLED: optionalText.pipe(
      flag('PASSWORD_WRITEBACK_ENABLED').optional().default('false'),
    ),
    RESET_AS: optionalText.pipe(
      z
        .enum(['bot', 'agent'], { errorMap: () => ({ message: 'RESET_AS must be "bot" or "agent"' }) })
        .optional()
        .default('bot'),
    ),
    CALLER_VERIFICATION: detailRequirement('CALLER_VERIFICATION'),
    TICKET_REFERENCE: detailRequirement('TICKET_REFERENCE'),
    OAUTH_CONNECTION_NAME: optionalText,
    // botbuilder's names (ConfigurationBotFrameworkAuthenticationOptions); see BotFrameworkCloudConfig.
    ChannelService: optionalText.pipe(botFrameworkUrl('ChannelService').optional()),
    ValidateAuthority: optionalText.pipe(flag('ValidateAuthority').optional().default('true')),
    ToChannelFromBotLoginUrl: optionalText.pipe(botFrameworkUrl('ToChannelFromBotLoginUrl').optional()),
    ToChannelFromBotOAuthScope: optionalText.pipe(botFrameworkUrl('ToChannelFromBotOAuthScope').optional()),
    ToBotFromChannelTokenIssuer: optionalText.pipe(botFrameworkUrl('ToBotFromChannelTokenIssuer').optional()),
    ToBotFromChannelOpenIdMetadataUrl: optionalText.pipe(
      botFrameworkUrl('ToBotFromChannelOpenIdMetadataUrl').optional(),
    ),
    ToBotFromEmulatorOpenIdMetadataUrl: optionalText.pipe(
      botFrameworkUrl('ToBotFromEmulatorOpenIdMetadataUrl').optional(),
    ),
    // Trailing slashes go: botbuilder appends `/api/...` to it (Learn writes the GCC High value with one).
    OAuthUrl: optionalText.pipe(
      botFrameworkUrl('OAuthUrl')
        .transform((value) => value.replace(/\/+$/, ''))
        .optional(),
    ),
    CallerId: optionalText,
    RATE_LIMIT_RESETS_PER_AGENT_PER_HOUR: resetLimit(
      'RATE_LIMIT_RESETS_PER_AGENT_PER_HOUR',
      DEFAULT_RATE_LIMITS.perAgentPerHour,
    ),
    RATE_LIMIT_RESETS_PER_TARGET_PER_DAY: resetLimit(
      'RATE_LIMIT_RESETS_PER_TARGET_PER_DAY',
      DEFAULT_RATE_LIMITS.perTargetPerDay,
    ),
    PROTECTED_USER_IDS: guidList('PROTECTED_USER_IDS'),
    PROTECTED_GROUP_IDS: guidList('PROTECTED_GROUP_IDS', MAX_PROTECTED_GROUPS),
    HELPDESK_GROUP_ID: optionalText.pipe(guid('HELPDESK_GROUP_ID').optional()),
    NODE_ENV: optionalText,
    LOG_LEVEL: optionalText.pipe(
      z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
          errorMap: () => ({
            message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
          }),
        })
        .optional()
        .default('info'),
    ),
  })
  .superRefine((env, context) => {
    const problem = (message: string) => context.addIssue({ code: z.ZodIssueCode.custom, message });

    if (env[DANGEROUS_UNAUTHENTICATED_SWITCH] && env.NODE_ENV === 'production') {
      problem(`${DANGEROUS_UNAUTHENTICATED_SWITCH}=true is refused when NODE_ENV=production`);
    }
    if (env.MicrosoftAppId === undefined) {
      if (!env[DANGEROUS_UNAUTHENTICATED_SWITCH]) {
        problem(
          `MicrosoftAppId is required: without it Bot Framework authentication is off and anyone could make the bot ` +
            `post replies (temporary passwords included) to a URL of their choosing. For a local client such as the ` +
            `Agents Playground only, set ${DANGEROUS_UNAUTHENTICATED_SWITCH}=true.`,
        );
      }
    } else {
      if (env.MicrosoftAppType === undefined)
        problem('MicrosoftAppType is required (SingleTenant or UserAssignedMSI)');
      if (env.MicrosoftAppTenantId === undefined) problem('MicrosoftAppTenantId is required');
      if (env.MicrosoftAppType === 'SingleTenant' && env.MicrosoftAppPassword === undefined) {
        problem('MicrosoftAppPassword is required when MicrosoftAppType is SingleTenant');
      }
      if (env.MicrosoftAppType === 'UserAssignedMSI' && env.MicrosoftAppPassword !== undefined) {
        problem('MicrosoftAppPassword must be empty when MicrosoftAppType is UserAssignedMSI');
      }
      if (
        env.MicrosoftAppTenantId !== undefined &&
        env.MicrosoftAppTenantId.toLowerCase() !== env.AZURE_TENANT_ID.toLowerCase()
      ) {
        problem(
          'MicrosoftAppTenantId and AZURE_TENANT_ID must name the same tenant: the bot serves only its own',
        );
      }
    }

    if (cloudDefaultsFor(env.ChannelService) === undefined) {
      const missing = [...CLOUD_URL_SETTINGS, 'CallerId' as const].filter((name) => env[name] === undefined);
      if (missing.length > 0) {
        problem(
          `ChannelService names neither the public cloud (empty) nor US Government (${GovernmentConstants.ChannelService}): ` +
            `set ${missing.join(', ')} too (botbuilder has no defaults for another cloud)`,
        );
      }
    }

    if (env.PASSWORD_WRITEBACK_ENABLED && env.RESET_AS !== 'agent') {
      problem(
        'PASSWORD_WRITEBACK_ENABLED=true needs RESET_AS=agent: only a reset made as the signed-in agent ' +
          "(Graph's resetPassword, delegated only) is written back to on-premises Active Directory; the bot's " +
          'own app-only reset of a synced user always fails',
      );
    }
    if (env.RESET_AS === 'agent' && env.OAUTH_CONNECTION_NAME === undefined) {
      problem(
        "OAUTH_CONNECTION_NAME is required when RESET_AS=agent: the name of the Azure Bot's OAuth connection agents sign in with",
      );
    }
    if (
      env.RESET_AS === 'agent' &&
      env.MicrosoftAppId === undefined &&
      env.AZURE_CLIENT_SECRET === undefined &&
      env.AZURE_CLIENT_CERTIFICATE_PATH === undefined
    ) {
      problem(
        'RESET_AS=agent without MicrosoftAppId (local use only) needs AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or ' +
          'AZURE_CLIENT_CERTIFICATE_PATH: the bot calls the Bot Framework token service as that app registration',
      );
    }

    if (env.AZURE_CLIENT_SECRET !== undefined && env.AZURE_CLIENT_CERTIFICATE_PATH !== undefined) {
      problem('Set AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH, not both');
    }
    if (
      (env.AZURE_CLIENT_SECRET !== undefined || env.AZURE_CLIENT_CERTIFICATE_PATH !== undefined) &&
      env.AZURE_CLIENT_ID === undefined
    ) {
      problem('AZURE_CLIENT_ID is required with AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH');
    }
  });

/** Reads and validates the configuration; throws a ConfigError naming every missing or malformed variable. */
export function loadConfig(environment: NodeJS.ProcessEnv): BotConfig {
  const parsed = environmentSchema.safeParse(environment);
  const parsedStore = storeEnvironmentSchema.safeParse(environment);
  if (!parsed.success || !parsedStore.success) {
    throw new ConfigError(
      [parsed.error?.issues ?? [], parsedStore.error?.issues ?? []].flat().map((issue) => issue.message),
    );
  }
  const env = parsed.data;
  return {
    port: env.PORT,
    botAuthentication:
      env.MicrosoftAppId === undefined
        ? null
        : {
            appId: env.MicrosoftAppId,
            appPassword: env.MicrosoftAppPassword ?? '',
            // Both are guaranteed by the refinement above whenever an app id is set.
            appType: env.MicrosoftAppType ?? 'SingleTenant',
            appTenantId: env.MicrosoftAppTenantId ?? env.AZURE_TENANT_ID,
            cloud: botFrameworkCloud(env),
          },
    tenantId: env.AZURE_TENANT_ID.toLowerCase(),
    graph: {
      tenantId: env.AZURE_TENANT_ID,
      clientId: env.AZURE_CLIENT_ID,
      clientSecret: env.AZURE_CLIENT_SECRET,
      clientCertificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH,
      authorityHost: env.AZURE_AUTHORITY_HOST,
      graphBaseUrl: env.GRAPH_BASE_URL,
      requestTimeoutMs: env.GRAPH_TIMEOUT_SECONDS * 1000,
    },
    passwordWritebackEnabled: env.PASSWORD_WRITEBACK_ENABLED,
    resetAs: env.RESET_AS,
    agentSignIn:
      env.RESET_AS === 'agent'
        ? {
            connectionName: env.OAUTH_CONNECTION_NAME ?? '',
            tokenServiceUrl: botFrameworkCloud(env).oAuthUrl,
            credential: tokenServiceCredential(env),
          }
        : null,
    logLevel: env.LOG_LEVEL,
    clickBudgetMs: env.CLICK_BUDGET_SECONDS * 1000,
    shutdownGraceMs: env.SHUTDOWN_GRACE_SECONDS * 1000,
    abuseControls: {
      rateLimits: {
        perAgentPerHour: env.RATE_LIMIT_RESETS_PER_AGENT_PER_HOUR,
        perTargetPerDay: env.RATE_LIMIT_RESETS_PER_TARGET_PER_DAY,
      },
      protectedUserIds: env.PROTECTED_USER_IDS,
      protectedGroupIds: env.PROTECTED_GROUP_IDS,
      helpdeskGroupId: env.HELPDESK_GROUP_ID?.toLowerCase() ?? null,
    },
    verification: { callerVerification: env.CALLER_VERIFICATION, ticketReference: env.TICKET_REFERENCE },
    store: storeConfigOf(parsedStore.data),
  };
}

function cloudDefaultsFor(channelService: string | undefined): CloudDefaults | undefined {
  if (channelService === undefined) return PUBLIC_CLOUD;
  return channelService === GovernmentConstants.ChannelService ? US_GOVERNMENT_CLOUD : undefined;
}

/** Each setting as given, else the value of the cloud `ChannelService` names (checked above for other clouds). */
function botFrameworkCloud(env: z.infer<typeof environmentSchema>): BotFrameworkCloudConfig {
  const defaults = cloudDefaultsFor(env.ChannelService) ?? PUBLIC_CLOUD;
  return {
    channelService: env.ChannelService ?? '',
    validateAuthority: env.ValidateAuthority,
    toChannelFromBotLoginUrl: env.ToChannelFromBotLoginUrl ?? defaults.ToChannelFromBotLoginUrl,
    toChannelFromBotOAuthScope: env.ToChannelFromBotOAuthScope ?? defaults.ToChannelFromBotOAuthScope,
    toBotFromChannelTokenIssuer: env.ToBotFromChannelTokenIssuer ?? defaults.ToBotFromChannelTokenIssuer,
    toBotFromChannelOpenIdMetadataUrl:
      env.ToBotFromChannelOpenIdMetadataUrl ?? defaults.ToBotFromChannelOpenIdMetadataUrl,
    toBotFromEmulatorOpenIdMetadataUrl:
      env.ToBotFromEmulatorOpenIdMetadataUrl ?? defaults.ToBotFromEmulatorOpenIdMetadataUrl,
    oAuthUrl: env.OAuthUrl ?? defaults.OAuthUrl,
    callerId: env.CallerId ?? defaults.CallerId,
  };
}

/**
 * The bot's own app registration calls the token service. `UserAssignedMSI` bots use their managed identity
 * (its client id is `MicrosoftAppId`); without `MicrosoftAppId` (local only) the Graph app registration does.
 */
function tokenServiceCredential(env: z.infer<typeof environmentSchema>): AppCredentialConfig {
  if (env.MicrosoftAppId === undefined) {
    return {
      tenantId: env.AZURE_TENANT_ID,
      clientId: env.AZURE_CLIENT_ID,
      clientSecret: env.AZURE_CLIENT_SECRET,
      clientCertificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH,
      authorityHost: env.AZURE_AUTHORITY_HOST,
    };
  }
  return {
    tenantId: env.MicrosoftAppTenantId ?? env.AZURE_TENANT_ID,
    clientId: env.MicrosoftAppId,
    clientSecret: env.MicrosoftAppType === 'SingleTenant' ? env.MicrosoftAppPassword : undefined,
    authorityHost: env.AZURE_AUTHORITY_HOST,
  };
}
