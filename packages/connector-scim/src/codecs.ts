import * as t from 'io-ts';

/** RFC 7643 schema and RFC 7644 message URNs. */
export const SCHEMA = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
} as const;

// #region user
/** The parts of a SCIM User (RFC 7643 §4.1) the connector reads. Servers send more; it is ignored. */
export const ScimUser = t.intersection(
  [
    t.type({ id: t.string, userName: t.string }),
    t.partial({
      name: t.partial({ givenName: t.string, familyName: t.string }),
      displayName: t.string,
      title: t.string,
      active: t.boolean,
    }),
  ],
  'ScimUser',
);
export type ScimUser = t.TypeOf<typeof ScimUser>;
// #endregion user

/** RFC 7644 §3.4.2: the answer to a filtered `GET /Users`. */
export const ScimListResponse = t.intersection(
  [t.type({ totalResults: t.number }), t.partial({ Resources: t.array(ScimUser) })],
  'ScimListResponse',
);

/** RFC 7644 §3.12: `status` is a string in the RFC's examples, a number on some servers. */
export const ScimErrorBody = t.intersection(
  [t.type({ status: t.union([t.string, t.number]) }), t.partial({ scimType: t.string, detail: t.string })],
  'ScimErrorBody',
);

/** RFC 7644 §5: only what `describe` checks. */
export const ServiceProviderConfig = t.type(
  {
    patch: t.type({ supported: t.boolean }),
    changePassword: t.type({ supported: t.boolean }),
  },
  'ServiceProviderConfig',
);

/** One PATCH operation (RFC 7644 §3.5.2). */
export interface PatchOperation {
  readonly op: 'replace';
  readonly path: string;
  readonly value: unknown;
}
