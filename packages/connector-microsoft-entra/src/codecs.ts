import * as t from 'io-ts';

/** The parts of a Graph user the connector reads. */
export const GraphUser = t.intersection(
  [
    t.type({ id: t.string }),
    t.partial({
      userPrincipalName: t.string,
      mail: t.union([t.string, t.null]),
      givenName: t.union([t.string, t.null]),
      surname: t.union([t.string, t.null]),
      accountEnabled: t.boolean,
    }),
  ],
  'GraphUser',
);
export type GraphUser = t.TypeOf<typeof GraphUser>;

export const GraphUserList = t.type({ value: t.array(GraphUser) }, 'GraphUserList');

/** GET /users/{id}?$select=lastPasswordChangeDateTime */
export const GraphPasswordChange = t.type({ lastPasswordChangeDateTime: t.union([t.string, t.null]) }, 'GraphPasswordChange');

/** GET /users/{id}?$select=userPrincipalName */
export const GraphUpn = t.type({ userPrincipalName: t.string }, 'GraphUpn');

/** GET /roleManagement/directory/roleAssignments?$filter=principalId eq '…'&$expand=roleDefinition */
export const GraphRoleAssignments = t.type(
  {
    value: t.array(
      t.intersection([
        t.type({ principalId: t.string, roleDefinitionId: t.string }),
        t.partial({ roleDefinition: t.partial({ displayName: t.string, templateId: t.string }) }),
      ]),
    ),
  },
  'GraphRoleAssignments',
);

/** GET /domains/{id} */
export const GraphDomain = t.intersection(
  [t.type({ id: t.string }), t.partial({ authenticationType: t.string, isVerified: t.boolean })],
  'GraphDomain',
);

/** GET /organization: the tenant's name and verified domains (for describe). */
export const GraphOrganization = t.type(
  {
    value: t.array(t.partial({ id: t.string, displayName: t.string })),
  },
  'GraphOrganization',
);
