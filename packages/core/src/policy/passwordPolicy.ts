import * as t from 'io-ts';

/**
 * A directory's password rules, as stored on the directory stream. The rules themselves live in
 * `check.ts`; this is only the data that selects and parameterises them.
 *
 * - `google-workspace`: 8 to 100 printable ASCII characters.
 * - `microsoft-entra`: 8 to 256 characters, at least three of lowercase / uppercase / digits /
 *   symbols, only ASCII letters, digits, space and Entra's symbol list, and the banned-password list
 *   (through the `isBanned` hook). `disableStrongPassword` mirrors Entra's `DisableStrongPassword`.
 * - `custom`: the platform's own policy, and the policy of connectors other than the two above.
 *   Control characters (tabs, line breaks, NUL) are always refused: nobody can type them reliably.
 */
export const GoogleWorkspacePasswordPolicy = t.type({ kind: t.literal('google-workspace') }, 'GoogleWorkspacePasswordPolicy');

export const MicrosoftEntraPasswordPolicy = t.intersection(
  [t.type({ kind: t.literal('microsoft-entra') }), t.partial({ disableStrongPassword: t.boolean })],
  'MicrosoftEntraPasswordPolicy',
);

export const CustomPasswordPolicy = t.intersection(
  [
    t.type({ kind: t.literal('custom'), minLength: t.number, maxLength: t.number }),
    t.partial({
      /** How many of lowercase, uppercase, digits, symbols a password must mix (0 to 4). */
      minCharacterClasses: t.number,
      /** Only printable ASCII (no accented letters, emoji, tabs). */
      asciiOnly: t.boolean,
      /** Consult the `isBanned` hook. */
      checkBannedList: t.boolean,
    }),
  ],
  'CustomPasswordPolicy',
);

export const PasswordPolicy = t.union(
  [GoogleWorkspacePasswordPolicy, MicrosoftEntraPasswordPolicy, CustomPasswordPolicy],
  'PasswordPolicy',
);
export type PasswordPolicy = t.TypeOf<typeof PasswordPolicy>;
export type CustomPasswordPolicy = t.TypeOf<typeof CustomPasswordPolicy>;

/** A sensible platform default (NIST SP 800-63B: length over composition). */
export const defaultPlatformPasswordPolicy: CustomPasswordPolicy = {
  kind: 'custom',
  minLength: 8,
  maxLength: 256,
  checkBannedList: true,
};

/** The policy a directory gets when its connection does not name one. */
export const passwordPolicyForKind = (kind: string): PasswordPolicy =>
  kind === 'google-workspace'
    ? { kind: 'google-workspace' }
    : kind === 'microsoft-entra'
      ? { kind: 'microsoft-entra' }
      : { kind: 'custom', minLength: 8, maxLength: 256 };
