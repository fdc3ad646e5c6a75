import type { TenantFixture } from '../fixture/tenantFixture';
import { jsonResponse, type SimResponse } from '../http/types';
import { contextUrl, type GraphCall } from './graphCall';
import { resourceNotFound } from './graphErrors';
import { requirePermission } from './users';

const readDomainPermissions = [
  'Domain.Read.All',
  'Domain.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];

function domainView(d: TenantFixture['domains'][number]): Record<string, unknown> {
  return {
    authenticationType: d.authenticationType,
    availabilityStatus: null,
    id: d.id,
    isAdminManaged: true,
    isDefault: d.isDefault,
    isInitial: d.isInitial,
    isRoot: true,
    isVerified: d.isVerified,
    passwordNotificationWindowInDays: 14,
    passwordValidityPeriodInDays: 2147483647,
    supportedServices: d.isInitial ? ['Email', 'OfficeCommunicationsOnline'] : ['Email'],
    state: null,
  };
}

/** `GET /domains` (domain-list). */
export function listDomains(call: GraphCall): SimResponse {
  requirePermission(call, readDomainPermissions);
  return jsonResponse(200, {
    '@odata.context': contextUrl(call, 'domains'),
    value: [...call.directory.domains.values()].map(domainView),
  });
}

/** `GET /domains/{id}` (domain-get): `authenticationType` is `Managed` or `Federated`. */
export function getDomain(call: GraphCall): SimResponse {
  requirePermission(call, readDomainPermissions);
  const id = call.params.id ?? '';
  const domain = call.directory.domains.get(id.toLowerCase());
  if (!domain) return resourceNotFound(call.request, id);
  return jsonResponse(200, { '@odata.context': contextUrl(call, 'domains/$entity'), ...domainView(domain) });
}
