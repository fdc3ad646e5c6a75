import type { AdministrativeUnit } from '../directory/directory';
import { jsonResponse, type SimResponse } from '../http/types';
import { parseSelect, project } from './collectionQuery';
import { contextUrl, type GraphCall } from './graphCall';
import { resourceNotFound } from './graphErrors';
import { requirePermission } from './users';

/** administrativeunit-get: AdministrativeUnit.Read.All is the least privileged permission. */
const readUnitPermissions = [
  'AdministrativeUnit.Read.All',
  'AdministrativeUnit.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];

const unitProperties = [
  'id',
  'displayName',
  'description',
  'isMemberManagementRestricted',
  'membershipType',
  'membershipRule',
  'membershipRuleProcessingState',
  'visibility',
];

function unitView(unit: AdministrativeUnit): Record<string, unknown> {
  return {
    id: unit.id,
    displayName: unit.displayName,
    description: unit.description,
    // "If not set, the default value is null and the default behavior is false" (administrativeUnit resource).
    isMemberManagementRestricted: unit.isMemberManagementRestricted,
    membershipType: null,
    membershipRule: null,
    membershipRuleProcessingState: null,
    visibility: null,
  };
}

/** `GET /directory/administrativeUnits/{id}` (administrativeunit-get, v1.0), with `$select`. */
export function getAdministrativeUnit(call: GraphCall): SimResponse {
  requirePermission(call, readUnitPermissions);
  const id = call.params.id ?? '';
  const unit = call.directory.administrativeUnits.get(id.toLowerCase());
  if (!unit) return resourceNotFound(call.request, id);
  const select = parseSelect(call, unitProperties, 'microsoft.graph.administrativeUnit');
  return jsonResponse(200, {
    '@odata.context': contextUrl(
      call,
      select
        ? `directory/administrativeUnits(${select.join(',')})/$entity`
        : 'directory/administrativeUnits/$entity',
    ),
    ...project(unitView(unit), select, unitProperties),
  });
}
