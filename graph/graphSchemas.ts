import { z } from 'zod';
import type { DirectoryUser } from '../core/directory';

/**
 * What the bot accepts from Graph. Graph responses are input like any other: a field the reset rules read must
 * be present with the right type, or the whole answer is refused (and the reset with it).
 */

/** The properties `DirectoryUser` needs; `$select`ed explicitly because most are not returned by default. */
export const USER_SELECT = [
  'id',
  'displayName',
  'userPrincipalName',
  'mail',
  'givenName',
  'surname',
  'jobTitle',
  'department',
  'accountEnabled',
  'userType',
  'creationType',
  'externalUserState',
  'identities',
  'onPremisesSyncEnabled',
  'isManagementRestricted',
  'lastPasswordChangeDateTime',
] as const;

const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? null);

const identitySchema = z.object({
  signInType: z.string(),
  issuer: z.string(),
  issuerAssignedId: optionalText,
});

/**
 * Fields the resettability rules depend on (`userType`, `identities`, `onPremisesSyncEnabled`,
 * `externalUserState`, `creationType`, `accountEnabled`) must be present: Graph returns every `$select`ed
 * property, null when unset, so a missing one means the answer is not what we asked for.
 * `isManagementRestricted` may be absent: Graph documents null/absent as "not restricted", and Entra enforces
 * restricted management units on the bot's own calls anyway.
 */
export const userSchema = z
  .object({
    '@odata.type': z.string().optional(),
    id: z.string().min(1),
    displayName: optionalText,
    userPrincipalName: z.string().min(1),
    mail: optionalText,
    givenName: optionalText,
    surname: optionalText,
    jobTitle: optionalText,
    department: optionalText,
    accountEnabled: z.boolean(),
    userType: z.string(),
    creationType: z.string().nullable(),
    externalUserState: z.string().nullable(),
    identities: z.array(identitySchema),
    onPremisesSyncEnabled: z.boolean().nullable(),
    isManagementRestricted: z
      .boolean()
      .nullish()
      .transform((value) => value ?? null),
    lastPasswordChangeDateTime: optionalText,
  })
  .transform((user): { odataType: string | undefined; user: DirectoryUser } => ({
    odataType: user['@odata.type'],
    user: {
      id: user.id,
      // Graph allows a user without a display name; the UPN is what the cards can show instead.
      displayName: user.displayName ?? user.userPrincipalName,
      userPrincipalName: user.userPrincipalName,
      mail: user.mail,
      givenName: user.givenName,
      surname: user.surname,
      jobTitle: user.jobTitle,
      department: user.department,
      accountEnabled: user.accountEnabled,
      userType: user.userType,
      creationType: user.creationType,
      externalUserState: user.externalUserState,
      identities: user.identities,
      onPremisesSyncEnabled: user.onPremisesSyncEnabled,
      isManagementRestricted: user.isManagementRestricted,
      lastPasswordChangeDateTime: user.lastPasswordChangeDateTime,
    },
  }));

/** An item of a directory-object list, read loosely first so agent identities can be dropped before checks. */
export const listedObjectSchema = z.object({ '@odata.type': z.string().optional() }).passthrough();

/** One page of an OData collection. */
export function pageSchema<T extends z.ZodTypeAny>(item: T) {
  // Built once per item schema: zod schemas are costly to build and every page of every list is checked.
  const built = pageSchemas.get(item) ?? buildPageSchema(item);
  pageSchemas.set(item, built);
  return built as ReturnType<typeof buildPageSchema<T>>;
}

const pageSchemas = new WeakMap<z.ZodTypeAny, z.ZodTypeAny>();

function buildPageSchema<T extends z.ZodTypeAny>(item: T) {
  return z.object({
    value: z.array(item),
    '@odata.nextLink': z.string().optional(),
  });
}

/** Both `unifiedRoleAssignment` and `unifiedRoleEligibilityScheduleInstance` carry these. */
export const roleRowSchema = z.object({
  principalId: z.string().min(1),
  roleDefinitionId: z.string().min(1),
  directoryScopeId: z.string().min(1),
});

/**
 * A group listed in `transitiveMemberOf` with `$select=id,displayName,isAssignableToRole`. Both properties
 * must be there (Graph returns every selected property, null when unset): null `displayName` is how limited
 * information shows, null `isAssignableToRole` an ordinary group.
 */
export const groupEntrySchema = z.object({
  id: z.string().min(1),
  displayName: z.string().nullable(),
  isAssignableToRole: z.boolean().nullable(),
});

/**
 * A directory object listed as an owner. Only `id` is read: it is the one property limited information keeps,
 * and whether a `$select` nested in `$expand` is honoured is unsettled (the group resource documents it, the
 * known issue about query parameters says it is not supported), so other properties may come back too.
 */
export const ownerEntrySchema = z.object({ id: z.string().min(1) }).passthrough();

/**
 * A group from `GET /groups?$select=id,displayName,isAssignableToRole&$expand=owners($select=id)`. The
 * expanded `owners` must be there: without it ownership is unknown. Learn documents no nextLink for an
 * expanded list; if one comes anyway (`owners@odata.nextLink`), the list is cut and is read in full.
 */
export const groupWithOwnersSchema = z
  .object({
    id: z.string().min(1),
    displayName: z.string().min(1),
    isAssignableToRole: z.boolean().nullable(),
    owners: z.array(ownerEntrySchema),
    'owners@odata.nextLink': z.string().optional(),
  })
  .transform((group) => ({
    id: group.id,
    displayName: group.displayName,
    isAssignableToRole: group.isAssignableToRole,
    owners: group.owners,
    ownersMayBeCut: group['owners@odata.nextLink'] !== undefined,
  }));

/** `administrativeUnit`; `isMemberManagementRestricted` null means not set: "the default behavior is false". */
export const administrativeUnitSchema = z
  .object({
    id: z.string().min(1),
    displayName: optionalText,
    isMemberManagementRestricted: z.boolean().nullish(),
  })
  .transform((unit) => ({
    id: unit.id,
    displayName: unit.displayName ?? unit.id,
    isMemberManagementRestricted: unit.isMemberManagementRestricted === true,
  }));

/** checkMemberGroups: "String collection" of group ids. */
export const memberGroupsSchema = z.object({ value: z.array(z.string().min(1)) });

export const domainSchema = z.object({
  id: z.string().min(1),
  authenticationType: z.enum(['Managed', 'Federated']),
});

/**
 * `passwordResetResponse`, the body of `resetPassword`'s 202 when Entra generated the password. The first beta
 * called the property `password`; either is read (graph.md 1.1, "History").
 */
export const passwordResetResponseSchema = z
  .object({
    newPassword: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
  })
  .transform((body) => ({ generatedPassword: body.newPassword ?? body.password }));

/**
 * `longRunningOperation` at a reset's `Location`. Learn writes the states `NotStarted`, `Running`,
 * `Succeeded`, `Failed` in prose and camel case in the resource, so case is ignored; any other state
 * (`unknownFutureValue` included) is an answer the bot cannot read.
 */
export const longRunningOperationSchema = z.object({
  status: z
    .string()
    .transform((status) => status.toLowerCase())
    .pipe(z.enum(['notstarted', 'running', 'succeeded', 'failed'])),
});

/** Graph's error body, read from a raw response: only the code and the request id travel on. */
export const graphErrorBodySchema = z.object({
  error: z.object({
    code: z.string().optional(),
    message: z.string().optional(),
    innerError: z.object({ 'request-id': z.string().optional() }).passthrough().optional(),
  }),
});
