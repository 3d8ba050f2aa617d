import * as t from 'io-ts';
import { DirectoryId, ExternalUserKey, PushId, UserId, joinId } from '../ids.js';

/** Why a push is owed: the first password to this binding, a new password, changed attributes, or a re-bound/re-linked account. */
/** `external-change`: the password was changed in the directory outside Takeover (R16): set it back. */
export const PushReason = t.keyof(
  { takeover: null, 'password-changed': null, 'attributes-changed': null, rebind: null, 'external-change': null },
  'PushReason',
);
export type PushReason = t.TypeOf<typeof PushReason>;

/**
 * One push to one external account, as decided from the history. The same description travels on
 * the owed list, on the engine's outcome commands, and on the Push* events.
 */
export const PushDescription = t.type(
  {
    pushId: PushId,
    userId: UserId,
    directoryId: DirectoryId,
    /** Which binding of this user to this directory (1 for the first, 2 after a re-bind, …). */
    generation: t.number,
    externalKey: ExternalUserKey,
    /** The user record version it brings the directory up to. */
    recordVersion: t.number,
    /** The password version it carries (or, without the password, the one the directory already has). */
    passwordVersion: t.number,
    carriesPassword: t.boolean,
    /** End the user's sessions there after the password is set (policy `revokeSessionsOnPush`). */
    revokeSessions: t.boolean,
    reason: PushReason,
  },
  'PushDescription',
);
export type PushDescription = t.TypeOf<typeof PushDescription>;

/**
 * How the connector classified a failure (connector-kit's taxonomy: `_tag` → `class`, its `reason`
 * such as `throttled` or `not-found`, and what the provider said: `code`, `status`, `message`, which
 * connectors scrub of any secret). `retryAfterMs`: only when the provider said how long to wait.
 */
export const FailureClass = t.keyof({ retryable: null, permanent: null, auth: null }, 'FailureClass');
export type FailureClass = t.TypeOf<typeof FailureClass>;

export const PushFailure = t.intersection(
  [
    t.type({ class: FailureClass, code: t.string, message: t.string }),
    t.partial({ reason: t.string, status: t.number, retryAfterMs: t.number }),
  ],
  'PushFailure',
);
export type PushFailure = t.TypeOf<typeof PushFailure>;

/**
 * Deterministic: the same decision always yields the same id, so two engines never push it twice.
 * `externalChanges` (R16): after the first external change on a binding, its count is part of the id,
 * so setting back an external change is a push of its own, never mistaken for the last one.
 */
export const pushIdFor = (p: Omit<PushDescription, 'pushId' | 'revokeSessions' | 'reason'>, externalChanges = 0): PushId =>
  (externalChanges === 0
    ? joinId(
        'push',
        p.userId,
        p.directoryId,
        p.generation,
        p.externalKey,
        p.recordVersion,
        p.passwordVersion,
        p.carriesPassword ? 'password' : 'attributes',
      )
    : joinId(
        'push',
        p.userId,
        p.directoryId,
        p.generation,
        p.externalKey,
        p.recordVersion,
        p.passwordVersion,
        p.carriesPassword ? 'password' : 'attributes',
        `x${externalChanges}`,
      )) as PushId;
