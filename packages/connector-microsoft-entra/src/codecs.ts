import * as t from 'io-ts';

/** The parts of a Graph user the connector reads. */
export const GraphUser = t.intersection([
  t.type({ id: t.string }),
  t.partial({ userPrincipalName: t.string, mail: t.union([t.string, t.null]), givenName: t.union([t.string, t.null]), surname: t.union([t.string, t.null]), accountEnabled: t.boolean }),
], 'GraphUser');
export type GraphUser = t.TypeOf<typeof GraphUser>;

export const GraphUserList = t.type({ value: t.array(GraphUser) }, 'GraphUserList');

/** GET /organization: the tenant's name and verified domains (for describe). */
export const GraphOrganization = t.type({
  value: t.array(t.partial({ id: t.string, displayName: t.string })),
}, 'GraphOrganization');
