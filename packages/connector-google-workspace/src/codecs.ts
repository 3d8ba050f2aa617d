import * as t from 'io-ts';

/** The parts of a Directory API User the connector reads (Google sends many more; they are ignored). */
export const GoogleUser = t.intersection(
  [
    t.type({ id: t.string, primaryEmail: t.string }),
    t.partial({
      name: t.partial({ givenName: t.string, familyName: t.string, fullName: t.string }),
      suspended: t.boolean,
      /** A super admin (delegated admins are `isDelegatedAdmin`). */
      isAdmin: t.boolean,
      /** An admin through a custom role: its privileges cannot be read with the connector's scopes. */
      isDelegatedAdmin: t.boolean,
    }),
  ],
  'GoogleUser',
);
export type GoogleUser = t.TypeOf<typeof GoogleUser>;

/** users.list: `users` is absent when nothing matched. */
export const GoogleUserList = t.partial({ users: t.array(GoogleUser) }, 'GoogleUserList');

/** The API error envelope: {"error":{"code":N,"message":"…","errors":[{"reason":"…","domain":"…","message":"…"}]}}. */
export const GoogleErrorBody = t.type(
  {
    error: t.intersection([
      t.type({ message: t.string }),
      t.partial({
        code: t.number,
        status: t.string,
        errors: t.array(t.partial({ reason: t.string, domain: t.string, message: t.string })),
      }),
    ]),
  },
  'GoogleErrorBody',
);

/** The OAuth token endpoint's error: {"error":"invalid_grant","error_description":"…"}. */
export const GoogleOAuthErrorBody = t.intersection(
  [t.type({ error: t.string }), t.partial({ error_description: t.string })],
  'GoogleOAuthErrorBody',
);
