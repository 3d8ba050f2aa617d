// The reads a connector's diagnose needs beyond users, each gated by its own read permission:
// - GET /v1.0/domains/{id}: "Get domain" (https://learn.microsoft.com/graph/api/domain-get),
//   Domain.Read.All; `authenticationType` Managed | Federated, `isVerified`, `isDefault`.
// - GET /v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '…'[&$expand=roleDefinition]:
//   "List unifiedRoleAssignments" (https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignments),
//   RoleManagement.Read.Directory; the principal is a user or an app's service principal.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import type { GraphApiError } from './errors.js';
import { graphError, resourceNotFound } from './errors.js';
import { roleTemplateId, userRoles } from './roles.js';
import type { GraphRoute } from './routes.js';
import { graphQuery } from './query.js';
import type { EntraTenant } from './state.js';

interface RoleAssignment {
  readonly id: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  readonly directoryScopeId: string;
  readonly roleName: string;
}

const assignments = (t: EntraTenant): ReadonlyArray<RoleAssignment> =>
  [
    ...[...t.apps.values()].flatMap((a) => a.directoryRoles.map((r) => ({ principalId: a.servicePrincipalId, roleName: r }))),
    ...[...t.users.values()].flatMap((u) => userRoles(u).map((r) => ({ principalId: u.id, roleName: r }))),
  ].map(({ principalId, roleName }) => ({
    id: `${roleTemplateId(roleName)}_${principalId}`,
    principalId,
    roleDefinitionId: roleTemplateId(roleName),
    directoryScopeId: '/',
    roleName,
  }));

const ASSIGNMENT_FILTER = /^\s*(principalId|roleDefinitionId)\s+eq\s+'((?:[^']|'')*)'\s*$/i;

export const registerDirectoryReads = (app: FastifyInstance, graph: GraphRoute, ctx: () => string): void => {
  app.get(
    '/v1.0/domains/:id',
    graph(
      () => ['readDomains'],
      (c, req) => {
        const id = (req.params as { id: string }).id.toLowerCase();
        if (!c.tenant.domains.has(id)) return Promise.resolve(E.left(resourceNotFound(id)));
        const isDefault = [...c.tenant.domains].find((d) => !d.endsWith('.onmicrosoft.com')) === id;
        return Promise.resolve(
          E.right({
            status: 200,
            body: {
              '@odata.context': `${ctx()}#domains/$entity`,
              id,
              authenticationType: c.tenant.domainAuthentication.get(id) ?? 'Managed',
              isDefault,
              isInitial: id.endsWith('.onmicrosoft.com'),
              isRoot: true,
              isVerified: true,
              supportedServices: ['Email', 'OfficeCommunicationsOnline'],
            },
          }),
        );
      },
    ),
  );

  app.get(
    '/v1.0/roleManagement/directory/roleAssignments',
    graph(
      () => ['readRoles'],
      (c, req: FastifyRequest) => {
        const q = graphQuery(req);
        const filter = q.get('$filter');
        const m = filter === null ? null : ASSIGNMENT_FILTER.exec(filter);
        // Graph refuses an unfiltered list of all assignments only past a size; the emulator wants the filter the connector sends.
        if (filter !== null && m === null)
          return Promise.resolve(E.left<GraphApiError, never>(graphError(400, 'BadRequest', `Invalid filter clause: ${filter}`)));
        const expand = q.get('$expand');
        if (expand !== null && expand !== 'roleDefinition')
          return Promise.resolve(
            E.left<GraphApiError, never>(
              graphError(400, 'BadRequest', `Could not find a property named '${expand}' on type 'microsoft.graph.unifiedRoleAssignment'.`),
            ),
          );
        const [, field, raw] = m ?? [];
        const value = (raw ?? '').replace(/''/g, "'").toLowerCase();
        const rows = assignments(c.tenant).filter(
          (a) =>
            field === undefined || (field.toLowerCase() === 'principalid' ? a.principalId : a.roleDefinitionId).toLowerCase() === value,
        );
        return Promise.resolve(
          E.right({
            status: 200,
            body: {
              '@odata.context': `${ctx()}#roleManagement/directory/roleAssignments`,
              value: rows.map(({ roleName, ...a }) => ({
                ...a,
                ...(expand === 'roleDefinition'
                  ? {
                      roleDefinition: {
                        id: a.roleDefinitionId,
                        templateId: a.roleDefinitionId,
                        displayName: roleName,
                        isBuiltIn: !a.roleDefinitionId.startsWith('custom-'),
                        isEnabled: true,
                      },
                    }
                  : {}),
              })),
            },
          }),
        );
      },
    ),
  );
};
