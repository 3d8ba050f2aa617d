import * as E from 'fp-ts/lib/Either.js';
import type { AccessCheck, ConnectorError } from '@takeover/connector-kit';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { Clock } from '../ports.js';

/**
 * One directory's access, told apart from one account's (R12, issue "real tenants"). Entra answers
 * the same `403 Authorization_RequestDenied` when the app lacks the role to reset passwords (every
 * push fails) as when one target is an administrator the role does not cover (only that push
 * fails). A refused push asks the connector's `diagnose` (at most once per `probeEveryMs`); when it
 * finds something missing, or when `sameRefusals` different users were refused in a row with no
 * success between, the directory is paused: no push starts there, each stays owed, and the admin
 * is told exactly what to grant. While paused, the directory is probed again every `probeEveryMs`;
 * a probe that finds nothing missing ends the pause.
 */
export interface DirectoryAccess {
  /** Paused now; when the pause is due for a re-check, runs the probe first. */
  readonly paused: (diagnose: () => TaskEither<ConnectorError, ReadonlyArray<AccessCheck>>) => Promise<boolean>;
  /** Paused now, without probing (for status pages). */
  readonly isPaused: () => boolean;
  /** What the last probe found missing (or the repeated refusal), while paused. */
  readonly problem: () => DirectoryAccessProblem | undefined;
  /** A push to `userId` was refused `forbidden`: the directory's access, or this account's? */
  readonly judgeForbidden: (
    userId: string,
    diagnose: () => TaskEither<ConnectorError, ReadonlyArray<AccessCheck>>,
  ) => Promise<'directory' | 'account'>;
  readonly succeeded: () => void;
}

export interface DirectoryAccessProblem {
  /** Epoch ms the pause began. */
  readonly since: number;
  /** The checks that are not `ok`: what to grant, where. */
  readonly checks: ReadonlyArray<AccessCheck>;
}

export interface AccessGuardOptions {
  /** Distinct users refused in a row that pause the directory even when the probe sees nothing (default 5). */
  readonly sameRefusals?: number;
  /** How often a paused directory is probed again, and how long a probe's answer is reused (default 60 s). */
  readonly probeEveryMs?: number;
}

const problemsOf = (checks: ReadonlyArray<AccessCheck>): ReadonlyArray<AccessCheck> => checks.filter((c) => c.status === 'missing');

export const directoryAccess = (clock: Clock, options: AccessGuardOptions = {}): DirectoryAccess => {
  const sameRefusals = options.sameRefusals ?? 5;
  const probeEveryMs = options.probeEveryMs ?? 60_000;
  let refused = new Set<string>();
  let pause: DirectoryAccessProblem | undefined;
  let lastProbe: { at: number; missing: ReadonlyArray<AccessCheck> | undefined } | undefined;
  let probing: Promise<ReadonlyArray<AccessCheck> | undefined> | undefined;

  /** The missing checks (empty: nothing missing; undefined: the probe itself failed). One probe at a time, reused for `probeEveryMs`. */
  const probe = (
    diagnose: () => TaskEither<ConnectorError, ReadonlyArray<AccessCheck>>,
    fresh: boolean,
  ): Promise<ReadonlyArray<AccessCheck> | undefined> => {
    if (!fresh && lastProbe !== undefined && clock.now() - lastProbe.at < probeEveryMs) return Promise.resolve(lastProbe.missing);
    probing ??= (async () => {
      try {
        const r = await diagnose()();
        const missing = E.isRight(r) ? problemsOf(r.right) : undefined;
        lastProbe = { at: clock.now(), missing };
        return missing;
      } finally {
        probing = undefined;
      }
    })();
    return probing;
  };

  return {
    isPaused: () => pause !== undefined,
    problem: () => pause,
    paused: async (diagnose) => {
      if (pause === undefined) return false;
      if (lastProbe !== undefined && clock.now() - lastProbe.at < probeEveryMs) return true;
      const missing = await probe(diagnose, true);
      if (missing !== undefined && missing.length === 0) {
        pause = undefined;
        refused = new Set();
        return false;
      }
      if (missing !== undefined && missing.length > 0) pause = { since: pause.since, checks: missing };
      return true;
    },
    judgeForbidden: async (userId, diagnose) => {
      refused.add(userId);
      const missing = await probe(diagnose, false);
      if (missing !== undefined && missing.length > 0) {
        pause ??= { since: clock.now(), checks: missing };
        return 'directory';
      }
      if (refused.size >= sameRefusals) {
        pause ??= {
          since: clock.now(),
          checks: [
            {
              area: 'role',
              name: 'the right to change these users',
              status: 'missing',
              detail: `${refused.size} different users were refused in a row (403 forbidden) with no success in between, although the connector's own checks found nothing missing.`,
              fix: "Check the connector's role and permissions in the directory (for Microsoft Entra: the app needs User-PasswordProfile.ReadWrite.All and the User Administrator role; administrators need Privileged Authentication Administrator). Run takeover-doctor for details.",
            },
          ],
        };
        return 'directory';
      }
      return 'account';
    },
    succeeded: () => {
      refused = new Set();
    },
  };
};
