import * as E from 'fp-ts/lib/Either.js';
import type { Binding, ExistingUser, OwedPush, PushDescription, PushFailure } from '@takeover/core';
import { commandId } from '@takeover/core';
import type { ConnectorError, DirectoryConnector, PushOutcome } from '@takeover/connector-kit';
import { describeConnectorError, externalUserId, isAmbiguous } from '@takeover/connector-kit';
import type { Held } from '../hold.js';
import type { PushOutcomeLabel } from '../metrics.js';
import type { Pacer } from '../pacing/pacer.js';
import type { Abandoned, RetryUntil } from '../pacing/retry.js';
import { pacedCall } from '../pacing/retry.js';
import { isoNow } from '../ports.js';
import type { Deps } from './deps.js';
import { toDirectoryAttributes, toPushFailure, unlessPropagating } from './mapping.js';
import { atDirectoryGrain } from './passwordTimes.js';

const describe = (p: OwedPush): PushDescription => ({
  pushId: p.pushId,
  userId: p.userId,
  directoryId: p.directoryId,
  generation: p.generation,
  externalKey: p.externalKey,
  recordVersion: p.recordVersion,
  passwordVersion: p.passwordVersion,
  carriesPassword: p.carriesPassword,
  revokeSessions: p.revokeSessions,
  reason: p.reason,
});

const abandonedFailure: Readonly<Record<Abandoned['why'], PushFailure>> = {
  superseded: {
    class: 'retryable',
    code: 'superseded',
    reason: 'superseded',
    message: 'A newer password arrived before this push was sent; the newer one is pushed instead.',
  },
  'directory-paused': {
    class: 'retryable',
    code: 'directory-paused',
    reason: 'directory-paused',
    message: "The directory refused the connector's credentials moments ago; pushes there wait until an admin fixes them.",
  },
  'hold-expired': {
    class: 'retryable',
    code: 'hold-expired',
    reason: 'hold-expired',
    message: 'The password was no longer held when the directory could be called; the push waits for the next login.',
  },
};

/** A push refused because the connector lacks access to the whole directory: it stays owed (retryable), and the admin is told what to grant. */
const directoryAccessFailure = (deps: Deps, push: OwedPush, e: ConnectorError): PushFailure => {
  const checks = deps.accessFor(push.directoryId).problem()?.checks ?? [];
  const what = checks.map((c) => `${c.name}: ${c.fix ?? c.detail}`).join(' ');
  return {
    class: 'retryable',
    code: 'directory-access',
    reason: 'directory-access',
    message:
      `The directory refused the connector for every user, not only this one (${describeConnectorError(e)}). Pushes there wait until an admin fixes it. ${what}`.trim(),
    ...(e.provider.status === undefined ? {} : { status: e.provider.status }),
  };
};

/**
 * R17: after an ambiguous attempt (timeout, dropped connection), ask the directory before sending
 * the password again. `Right`: it landed (the outcome to record); `Left`: asking failed (retried
 * like any failure); `undefined`: it did not land, or the connector re-sends (`resend`): send.
 */
const settledAmbiguity = async (
  deps: Deps,
  connector: DirectoryConnector,
  push: OwedPush,
  binding: Binding | undefined,
  since: number,
): Promise<E.Either<ConnectorError, PushOutcome> | undefined> => {
  const read = connector.lastPasswordChange;
  if (connector.capabilities.ambiguousPasswordSet !== 'ask' || read === undefined) return undefined;
  const changed = await read(externalUserId(push.externalKey))();
  if (E.isLeft(changed)) return changed;
  const at = changed.right?.getTime();
  // At or after the ambiguous call's start (less the clock skew we allow), and later than every change
  // we know of there: our own last success, and the link (a created account got a random password
  // then). At the directory's grain (Graph stamps whole seconds), erring towards "not landed" (a
  // second reset) rather than "landed" (a directory left on another password).
  const known = [binding?.lastSuccess?.at, binding?.link.status === 'linked' ? binding.link.at : undefined]
    .filter((t): t is NonNullable<typeof t> => t !== undefined && t !== null)
    .map((t) => atDirectoryGrain(connector, Date.parse(t)));
  const landed = at !== undefined && at >= atDirectoryGrain(connector, since - deps.ambiguitySkewMs) && known.every((k) => at > k);
  deps.logger.info('ambiguous password push resolved by asking the directory', {
    pushId: push.pushId,
    directoryId: push.directoryId,
    landed,
  });
  if (!landed) return undefined;
  if (!push.revokeSessions)
    return E.right({ passwordSet: true, sessions: 'not-requested', sessionsEnded: connector.capabilities.passwordSetEndsSessions });
  // The password landed; the revocation asked for may not have: send only that.
  const revoked = await connector.push({ externalId: externalUserId(push.externalKey), revokeSessions: true })();
  return E.map((o: PushOutcome): PushOutcome => ({
    ...o,
    passwordSet: true,
    sessionsEnded: o.sessionsEnded || connector.capabilities.passwordSetEndsSessions,
  }))(revoked);
};

/**
 * One push: take the lease (`RecordPushStarted` appended at the expected version), call the
 * connector through the directory's pacer with retries until the plaintext's deadline, record the
 * outcome under the lease's own command id. `held` is required when the push carries the password.
 */
export const runPush = async (deps: Deps, user: ExistingUser, push: OwedPush, held: Held | undefined): Promise<void> => {
  const connector = deps.connectorFor(push.directoryId);
  if (connector === undefined) {
    deps.logger.warn('no connector for directory', { directoryId: push.directoryId });
    return;
  }
  if (push.carriesPassword && held?.passwordVersion !== push.passwordVersion) return;
  const breaker = deps.breakerFor(push.directoryId);
  const access = deps.accessFor(push.directoryId);
  if (breaker.paused() || (await access.paused(connector.diagnose))) {
    deps.logger.warn('directory paused (credentials or access): push not started, it stays owed', {
      pushId: push.pushId,
      directoryId: push.directoryId,
    });
    return;
  }
  const description = describe(push);
  const correlation = held?.correlationId === undefined ? {} : { correlationId: held.correlationId };
  const lease = `lease/${deps.ids.next()}`;
  // The lease is decided on the directory's policy as the store has it now (a cached one may be stale: another instance may have changed it).
  const started = await deps.record(
    {
      type: 'RecordPushStarted',
      commandId: commandId(lease),
      userId: user.userId,
      at: isoNow(deps.clock),
      push: description,
      instance: deps.instanceId,
      ...correlation,
    },
    { current: [push.directoryId] },
  );
  if (E.isLeft(started)) {
    // PushInFlight: another instance holds the lease. PushNotOwed: the record moved on; the next pass pushes the newer one.
    deps.logger.debug('push not started', {
      pushId: push.pushId,
      why: started.left._tag === 'Rejected' ? started.left.error._tag : started.left._tag,
    });
    return;
  }
  deps.activeLeases.add(push.pushId);
  try {
    await carryOut(deps, connector, user, push, held, { description, correlation, lease });
  } finally {
    deps.activeLeases.delete(push.pushId);
  }
};

/** How much longer than the queue's expected wait the plaintext is kept for it: the rate adapts, retries queue again. */
const DRAIN_MARGIN = 1.25;
const DRAIN_SLACK_MS = 5_000;

/**
 * The plaintext's deadline for this push: its hold window, stretched (up to the hold's bound) when
 * the directory's paced queue is expected to reach the push later than that. A push the queue cannot
 * reach even then is still queued (the drain may be faster than expected) and the log says so.
 */
const stretchedHold = (deps: Deps, user: ExistingUser, push: OwedPush, held: Held, pacer: Pacer): number => {
  const now = deps.clock.now();
  const needed = now + pacer.expectedWaitMs() * DRAIN_MARGIN + DRAIN_SLACK_MS;
  if (needed <= held.deadline) return held.deadline;
  const stretched = deps.hold.extend(user.userId, held.passwordVersion, needed) ?? held.deadline;
  if (stretched < needed) {
    deps.logger.warn(
      "the directory's queue is not expected to reach this push before its plaintext must be dropped; it is queued anyway and stays owed if missed",
      {
        pushId: push.pushId,
        directoryId: push.directoryId,
        expectedWaitMs: Math.round(needed - now),
        holdLeftMs: Math.max(0, stretched - now),
      },
    );
  }
  return stretched;
};

interface Leased {
  readonly description: PushDescription;
  readonly correlation: { readonly correlationId?: string };
  readonly lease: string;
}

const carryOut = async (
  deps: Deps,
  connector: DirectoryConnector,
  user: ExistingUser,
  push: OwedPush,
  held: Held | undefined,
  leased: Leased,
): Promise<void> => {
  const { description, correlation, lease } = leased;
  const breaker = deps.breakerFor(push.directoryId);
  const access = deps.accessFor(push.directoryId);
  const binding = user.bindings[push.directoryId];
  const t0 = deps.clock.now();
  const pacer = deps.pacerFor(push.directoryId, connector.kind);
  // Without a plaintext (an attribute-only push), the background window, from the first attempt's slot; with one, its deadline.
  const until: RetryUntil =
    held === undefined
      ? { windowMs: deps.backgroundWindowMs }
      : { deadline: push.carriesPassword ? stretchedHold(deps, user, push, held, pacer) : held.deadline };
  // Asked as the push reaches the head of the directory's queue, so an abandoned push uses no rate slot.
  const abandonIf = (): Abandoned | undefined => {
    if (!push.carriesPassword) return undefined;
    // Ordering: a newer password held for this user supersedes this push before it is sent.
    if ((deps.hold.get(user.userId)?.passwordVersion ?? push.passwordVersion) > push.passwordVersion)
      return { _tag: 'abandoned', why: 'superseded' };
    // The plaintext is never used past its deadline, however long the directory's queue was.
    if ('deadline' in until && deps.clock.now() >= until.deadline) return { _tag: 'abandoned', why: 'hold-expired' };
    return undefined;
  };
  /** When the first attempt with an unknown outcome began (R17). */
  let ambiguousSince: number | undefined;
  const attempt = async (): Promise<E.Either<ConnectorError | Abandoned, PushOutcome>> => {
    const password = push.carriesPassword ? held?.secret : undefined;
    const startedAt = deps.clock.now();
    if (ambiguousSince !== undefined && password !== undefined) {
      const settled = await settledAmbiguity(deps, connector, push, binding, ambiguousSince);
      if (settled !== undefined) return settled;
    }
    const r = await breaker.run(() =>
      connector.push({
        externalId: externalUserId(push.externalKey),
        attributes: toDirectoryAttributes(user.attributes),
        ...(password === undefined ? {} : { password }),
        ...(push.revokeSessions ? { revokeSessions: true } : {}),
      })(),
    );
    if (r === undefined) return E.left({ _tag: 'abandoned', why: 'directory-paused' });
    if (E.isRight(r)) return r;
    if (password !== undefined && isAmbiguous(r.left)) ambiguousSince ??= startedAt;
    // A directory may not know an account it has just created (or we just linked) for a while: a not-found then is not final.
    return E.left(unlessPropagating(r.left, binding, deps.clock, deps.propagationWindowMs));
  };
  const result = await pacedCall(pacer, deps.clock, attempt, {
    ...until,
    ...deps.retry,
    abandonIf,
    onThrottled: (ms) => deps.metrics.throttled(push.directoryId, ms),
    onRetry: () => deps.metrics.retried(push.directoryId),
  });
  const failure = E.isRight(result)
    ? undefined
    : result.left._tag === 'abandoned'
      ? abandonedFailure[result.left.why]
      : result.left._tag === 'permanent' &&
          result.left.reason === 'forbidden' &&
          (await access.judgeForbidden(push.userId, connector.diagnose)) === 'directory'
        ? directoryAccessFailure(deps, push, result.left)
        : toPushFailure(result.left);
  if (E.isRight(result)) access.succeeded();
  const at = isoNow(deps.clock);
  const label: PushOutcomeLabel = E.isRight(result)
    ? 'succeeded'
    : result.left._tag === 'abandoned'
      ? result.left.why
      : failure?.code === 'directory-access'
        ? 'directory-paused'
        : result.left._tag;
  deps.metrics.pushCompleted(push.directoryId, label, deps.clock.now() - t0);
  const outcome =
    failure === undefined
      ? await deps.record({
          type: 'RecordPushSucceeded',
          commandId: commandId(`${lease}/succeeded`),
          userId: user.userId,
          at,
          push: description,
          ...correlation,
          ...(E.isRight(result) ? { sessionsEnded: result.right.sessionsEnded } : {}),
        })
      : await deps.record({
          type: 'RecordPushFailed',
          commandId: commandId(`${lease}/failed`),
          userId: user.userId,
          at,
          push: description,
          ...correlation,
          failure,
        });
  if (E.isLeft(outcome))
    deps.logger.error('push outcome not recorded; the lease expires and the push stays owed', {
      pushId: push.pushId,
      error: outcome.left._tag,
    });
  else deps.logger.info('push finished', { pushId: push.pushId, directoryId: push.directoryId, outcome: label });
};
