// Demo-only views: does an emulated directory accept this password now (and when were the user's
// sessions there ended), the captured mail, and the seeded accounts.
import * as E from 'fp-ts/lib/Either.js';
import type { DirectoryId } from '@takeover/core';
import { reveal } from '@takeover/core';
import type { EntraEmulator, GoogleEmulator } from '@takeover/directory-emulators';
import { DEMO_PEOPLE } from '../wiring/emulators.js';
import { readOutbox } from '../wiring/mail.js';
import { GOOGLE, MICROSOFT } from '../wiring/directories.js';
import type { AppContext } from './context.js';
import type { IsoTime } from '@takeover/core';
import type { DemoService } from './hostApp.js';
import { invalid, notFound, unavailableFrom } from './problems.js';

export interface DemoDirectories {
  readonly google?: GoogleEmulator;
  readonly microsoft?: EntraEmulator;
}

/** `outbox`: mail is captured and every directory is emulated (see `DemoService.outbox`). */
export const demoService = (ctx: AppContext, emulators: DemoDirectories, outbox: boolean): DemoService => ({
  outbox,
  verify: async (directoryId, userKey, password) => {
    if (directoryId === GOOGLE && emulators.google !== undefined) {
      const u = emulators.google.user(userKey);
      if (u === undefined) return E.left(notFound('user', userKey));
      return E.right({
        matches: await emulators.google.passwordMatches(userKey, reveal(password)),
        sessionsRevokedAt: u.lastSignOutAt as IsoTime | null,
      });
    }
    if (directoryId === MICROSOFT && emulators.microsoft !== undefined) {
      const u = emulators.microsoft.user(userKey);
      if (u === undefined) return E.left(notFound('user', userKey));
      return E.right({
        matches: await emulators.microsoft.passwordMatches(userKey, reveal(password)),
        sessionsRevokedAt: (u.signInSessionsRevokedAt ?? u.refreshTokensRevokedAt) as IsoTime | null,
      });
    }
    return E.left(notFound('directory', directoryId));
  },
  changePassword: async (directoryId, userKey, password) => {
    const emulator = directoryId === GOOGLE ? emulators.google : directoryId === MICROSOFT ? emulators.microsoft : undefined;
    if (emulator === undefined) return E.left(notFound('directory', directoryId));
    const r = await emulator.changePasswordAsUser(userKey, reveal(password));
    switch (r._tag) {
      case 'Changed':
        return E.right({ changed: true as const });
      case 'NoSuchUser':
        return E.left(notFound('user', userKey));
      // The directory's own words (they never quote the password).
      case 'Rejected':
        return E.left(invalid('password', `the directory refused it: ${r.message}`));
    }
  },
  mail: async () => {
    if (!outbox) return [];
    try {
      return await readOutbox(ctx.store);
    } catch (e) {
      ctx.logger.warn({ err: { type: (e as Error).name } }, 'cannot read the mail outbox');
      throw new Error(unavailableFrom('reading the outbox', e).kind);
    }
  },
  seededUsers: () =>
    DEMO_PEOPLE.flatMap((p) => {
      const directories: DirectoryId[] = [
        ...(emulators.google?.user(p.email) === undefined ? [] : [GOOGLE]),
        ...(emulators.microsoft?.user(p.email) === undefined ? [] : [MICROSOFT]),
      ];
      return directories.length === 0 ? [] : [{ email: p.email, directories }];
    }),
});
