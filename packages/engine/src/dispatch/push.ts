import * as E from 'fp-ts/lib/Either.js';
import type { ExistingUser, OwedPush, PushDescription, PushFailure } from '@takeover/core';
import { commandId } from '@takeover/core';
import type { ConnectorError, PushOutcome } from '@takeover/connector-kit';
import { externalUserId } from '@takeover/connector-kit';
import { handleUserCommand } from '../commands.js';
import type { Held } from '../hold.js';
import type { PushOutcomeLabel } from '../metrics.js';
import type { Abandoned } from '../pacing/retry.js';
import { pacedCall } from '../pacing/retry.js';
import { isoNow } from '../ports.js';
import type { Deps } from './Deps.js';
import { commandContext } from './Deps.js';
import { toDirectoryAttributes, toPushFailure } from './mapping.js';

const describe = (p: OwedPush): PushDescription => ({
  pushId: p.pushId, userId: p.userId, directoryId: p.directoryId, generation: p.generation, externalKey: p.externalKey,
  recordVersion: p.recordVersion, passwordVersion: p.passwordVersion, carriesPassword: p.carriesPassword, revokeSessions: p.revokeSessions, reason: p.reason,
});

const abandonedFailure: Readonly<Record<Abandoned['why'], PushFailure>> = {
  superseded: { class: 'retryable', code: 'superseded', reason: 'superseded', message: 'A newer password arrived before this push was sent; the newer one is pushed instead.' },
  'directory-paused': { class: 'retryable', code: 'directory-paused', reason: 'directory-paused', message: 'The directory refused the connector\'s credentials moments ago; pushes there wait until an admin fixes them.' },
  'hold-expired': { class: 'retryable', code: 'hold-expired', reason: 'hold-expired', message: 'The password was no longer held when the directory could be called; the push waits for the next login.' },
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
  if (breaker.paused()) {
    deps.logger.warn('directory paused after an auth failure: push not started, it stays owed', { pushId: push.pushId, directoryId: push.directoryId });
    return;
  }
  const description = describe(push);
  const correlation = held?.correlationId === undefined ? {} : { correlationId: held.correlationId };
  const lease = `lease/${deps.ids.next()}`;
  const options = { store: deps.store, context: commandContext(deps) };
  const started = await handleUserCommand(options, { type: 'RecordPushStarted', commandId: commandId(lease), userId: user.userId, at: isoNow(deps.clock), push: description, ...correlation })();
  if (E.isLeft(started)) {
    // PushInFlight: another instance holds the lease. PushNotOwed: the record moved on; the next pass pushes the newer one.
    deps.logger.debug('push not started', { pushId: push.pushId, why: started.left._tag === 'Rejected' ? started.left.error._tag : started.left._tag });
    return;
  }
  const t0 = deps.clock.now();
  const pacer = deps.pacerFor(push.directoryId, connector.kind);
  const deadline = held?.deadline ?? t0 + deps.backgroundWindowMs;
  // Asked as the push reaches the head of the directory's queue, so an abandoned push uses no rate slot.
  const abandonIf = (): Abandoned | undefined => {
    if (!push.carriesPassword) return undefined;
    // Ordering: a newer password held for this user supersedes this push before it is sent.
    if ((deps.hold.get(user.userId)?.passwordVersion ?? push.passwordVersion) > push.passwordVersion) return { _tag: 'abandoned', why: 'superseded' };
    // The plaintext is never used past its deadline, however long the directory's queue was.
    if (deps.clock.now() >= deadline) return { _tag: 'abandoned', why: 'hold-expired' };
    return undefined;
  };
  const result = await pacedCall(pacer, deps.clock, async (): Promise<E.Either<ConnectorError | Abandoned, PushOutcome>> => {
    const password = push.carriesPassword ? held?.secret : undefined;
    const r = await breaker.run(() => connector.push({
      externalId: externalUserId(push.externalKey),
      attributes: toDirectoryAttributes(user.attributes),
      ...(password === undefined ? {} : { password }),
      ...(push.revokeSessions ? { revokeSessions: true } : {}),
    })());
    return r ?? E.left({ _tag: 'abandoned', why: 'directory-paused' });
  }, {
    deadline, ...deps.retry, abandonIf,
    onThrottled: (ms) => deps.metrics.throttled(push.directoryId, ms),
    onRetry: () => deps.metrics.retried(push.directoryId),
  });
  const at = isoNow(deps.clock);
  const label: PushOutcomeLabel = E.isRight(result) ? 'succeeded' : result.left._tag === 'abandoned' ? result.left.why : result.left._tag;
  deps.metrics.pushCompleted(push.directoryId, label, deps.clock.now() - t0);
  const outcome = E.isRight(result)
    ? await handleUserCommand(options, { type: 'RecordPushSucceeded', commandId: commandId(`${lease}/succeeded`), userId: user.userId, at, push: description, ...correlation })()
    : await handleUserCommand(options, {
      type: 'RecordPushFailed', commandId: commandId(`${lease}/failed`), userId: user.userId, at, push: description, ...correlation,
      failure: result.left._tag === 'abandoned' ? abandonedFailure[result.left.why] : toPushFailure(result.left),
    })();
  if (E.isLeft(outcome)) deps.logger.error('push outcome not recorded; the lease expires and the push stays owed', { pushId: push.pushId, error: outcome.left._tag });
  else deps.logger.info('push finished', { pushId: push.pushId, directoryId: push.directoryId, outcome: label });
};
