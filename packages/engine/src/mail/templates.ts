import type { DirectoryInfo, UserAttributes, UserId } from '@takeover/core';
import { directoryLabel } from '@takeover/core';

/** What the templates need to know about the platform. */
export interface MailSettings {
  /** How the platform calls itself: "Acme Portal". */
  readonly platformName: string;
  /** Where users log in. */
  readonly portalUrl: string;
  /**
   * The activation email's link for this user (e.g. the portal's activation page with a token the
   * host can verify). Default: `portalUrl`.
   */
  readonly activationUrl?: (user: { readonly userId: UserId; readonly email: string }) => string;
  /** How long the activation link works, in words ("7 days"); the activation email says when it expires. */
  readonly activationLinkValidFor?: string;
}

export interface Rendered {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const escape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** "A", "A and B", "A, B and C". */
const listOf = (names: ReadonlyArray<string>): string =>
  names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;

const greeting = (user: UserAttributes): string => `Hello ${user.givenName},`;

const html = (paragraphs: ReadonlyArray<string>, link: { readonly url: string; readonly label: string }): string =>
  [
    '<!doctype html><html><body style="font-family: sans-serif">',
    ...paragraphs.map((p) => `<p>${escape(p)}</p>`),
    `<p><a href="${escape(link.url)}">${escape(link.label)}</a></p>`,
    '</body></html>',
  ].join('\n');

/** R1: one per directory. Names the directory and asks the user to log in to the portal to complete the takeover. */
export const bindingMail = (
  settings: MailSettings,
  user: UserAttributes,
  directory: Pick<DirectoryInfo, 'displayName' | 'domain'>,
): Rendered => {
  const label = directoryLabel(directory);
  const lines = [
    greeting(user),
    `Your account in ${label} is now managed by ${settings.platformName}.`,
    `To complete the change, log in to ${settings.platformName} once with your ${settings.platformName} password (the one you set from your activation email, or the one your administrator gave you). From then on, ${settings.platformName} keeps your password in ${label} up to date: change it in ${settings.platformName}, not in ${directory.displayName}.`,
  ];
  return {
    subject: `Log in to ${settings.platformName} to finish connecting ${label}`,
    text: [...lines, `Log in: ${settings.portalUrl}`].join('\n\n'),
    html: html(lines, { url: settings.portalUrl, label: `Log in to ${settings.platformName}` }),
  };
};

/** R2: once per user, however many directories are bound. With `userId` and `settings.activationUrl`, the link is that user's activation URL. */
export const activationMail = (
  settings: MailSettings,
  user: UserAttributes,
  directories: ReadonlyArray<Pick<DirectoryInfo, 'displayName' | 'domain'>>,
  userId?: UserId,
): Rendered => {
  const url =
    settings.activationUrl !== undefined && userId !== undefined
      ? settings.activationUrl({ userId, email: user.email })
      : settings.portalUrl;
  const names = directories.map(directoryLabel);
  const lines = [
    greeting(user),
    `An account has been created for you in ${settings.platformName}.`,
    `Choose your password in ${settings.platformName} to activate it, then log in: the same password will then work in ${names.length === 0 ? 'the services connected to it' : listOf(names)}.`,
    ...(settings.activationLinkValidFor === undefined
      ? []
      : [
          `The link works once and expires ${settings.activationLinkValidFor} after this email was sent. If it has expired, ask your administrator to send a new one.`,
        ]),
  ];
  return {
    subject: `Activate your ${settings.platformName} account`,
    text: [...lines, `Activate: ${url}`].join('\n\n'),
    html: html(lines, { url, label: 'Activate your account' }),
  };
};
