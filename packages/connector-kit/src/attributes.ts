import * as t from 'io-ts';

/**
 * The profile fields a directory takes, in the kit's words. The platform's own user attributes are
 * core's business; the engine maps them to these, and each connector maps these to its provider
 * (Google `name.givenName`, Graph `givenName`, SCIM `name.givenName`). A push carries only the
 * fields that changed; a connector writes the ones it lists in `capabilities.attributes` and
 * ignores the rest.
 */
export const DirectoryAttributes = t.partial(
  {
    /** The sign-in address: Google `primaryEmail`, Entra `userPrincipalName`, SCIM `userName`. */
    primaryEmail: t.string,
    givenName: t.string,
    familyName: t.string,
    displayName: t.string,
    jobTitle: t.string,
    department: t.string,
    mobilePhone: t.string,
  },
  'DirectoryAttributes',
);
export type DirectoryAttributes = t.TypeOf<typeof DirectoryAttributes>;
/** A directory-side attribute (`primaryEmail`, `jobTitle` …): distinct from core's `AttributeName`, the user's attributes on the platform. */
export type DirectoryAttributeName = keyof DirectoryAttributes;

export const directoryAttributeNames: ReadonlyArray<DirectoryAttributeName> = Object.keys(
  DirectoryAttributes.props,
) as DirectoryAttributeName[];

/** What a new account needs at least; the rest is optional. */
export type NewAccountAttributes = DirectoryAttributes & {
  readonly primaryEmail: string;
  readonly givenName: string;
  readonly familyName: string;
};
