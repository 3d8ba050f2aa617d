import * as E from 'fp-ts/lib/Either.js';
import type { Directories, DirectoryInfo, ExistingUser, OwedAccountAction, OwedNotice, OwedResolution } from '@takeover/core';
import { commandId, currentBindings, externalUserKey } from '@takeover/core';
import { describeConnectorError, externalUserId } from '@takeover/connector-kit';
import { activationMail, bindingMail } from '../mail/templates.js';
import { pacedCall } from '../pacing/retry.js';
import { isoNow } from '../ports.js';
import type { Deps } from './deps.js';
import { toNewAccount, toPushFailure, unlessPropagating } from './mapping.js';

/** A background call retries for `backgroundWindowMs` from when its first attempt got its slot (not from when it was queued). */
const background = (deps: Deps, directoryId: OwedResolution['directoryId']) => ({
  windowMs: deps.backgroundWindowMs,
  ...deps.retry,
  onThrottled: (ms: number | undefined) => deps.metrics.throttled(directoryId, ms),
  onRetry: () => deps.metrics.retried(directoryId),
});

/** R1 / R2: send, then record. The mail's id is the notice id, so a repeat is recognised (R15). */
export const runNotice = async (deps: Deps, user: ExistingUser, directories: Directories, notice: OwedNotice): Promise<void> => {
  const directory = notice.directoryId === undefined ? undefined : directories[notice.directoryId];
  if (notice.kind === 'binding' && directory === undefined) return;
  const bound = currentBindings(user)
    .map((b) => directories[b.directoryId])
    .filter((d): d is DirectoryInfo => d !== undefined);
  const rendered =
    notice.kind === 'binding' && directory !== undefined
      ? bindingMail(deps.mail, user.attributes, directory)
      : activationMail(deps.mail, user.attributes, bound, user.userId);
  const sent = await deps.mailer.send({ id: notice.noticeId, to: user.attributes.email, ...rendered })();
  if (E.isLeft(sent)) {
    deps.logger.warn('notice not sent; it stays owed', { noticeId: notice.noticeId, message: sent.left.message });
    return;
  }
  const recorded = await deps.record({
    type: 'RecordNoticeSent',
    commandId: commandId(`notice/${notice.noticeId}`),
    userId: user.userId,
    at: isoNow(deps.clock),
    noticeId: notice.noticeId,
    kind: notice.kind,
    ...(notice.directoryId === undefined ? {} : { directoryId: notice.directoryId }),
  });
  if (E.isLeft(recorded)) deps.logger.error('notice sent but not recorded', { noticeId: notice.noticeId, error: recorded.left._tag });
};

/** Binding resolves the external account: by email, else (policy and connector permitting) created; recorded as linked or unresolved. */
export const runResolution = async (deps: Deps, user: ExistingUser, r: OwedResolution): Promise<void> => {
  const connector = deps.connectorFor(r.directoryId);
  if (connector === undefined || deps.breakerFor(r.directoryId).paused() || deps.accessFor(r.directoryId).isPaused()) return;
  const create = r.createMissingUsers && connector.capabilities.createUsers;
  const result = await pacedCall(
    deps.pacerFor(r.directoryId, connector.kind),
    deps.clock,
    () => connector.resolve({ primaryEmail: r.email, ...(create ? { create: toNewAccount(user.attributes) } : {}) })(),
    background(deps, r.directoryId),
  );
  const at = isoNow(deps.clock);
  if (E.isRight(result)) {
    const how = result.right.how === 'by-key' ? 'given' : result.right.how === 'by-email' ? 'matched-email' : 'created';
    const linked = await deps.record({
      type: 'LinkExternalAccount',
      commandId: commandId(`link/${r.userId}/${r.directoryId}/${r.generation}${r.attempt === 'bind' ? '' : `/${r.attempt}`}`),
      userId: r.userId,
      at,
      directoryId: r.directoryId,
      externalKey: externalUserKey(result.right.externalId),
      how,
    });
    if (E.isLeft(linked)) deps.logger.error('account resolved but not recorded', { directoryId: r.directoryId, error: linked.left._tag });
    return;
  }
  const e = result.left;
  if (e._tag !== 'permanent') {
    deps.logger.warn('external account not resolved yet; retried at the next pass', {
      directoryId: r.directoryId,
      error: describeConnectorError(e),
    });
    return;
  }
  const reason = e.reason === 'not-found' && !create ? 'creation-disabled' : e.reason;
  const detail =
    e.reason === 'not-found'
      ? `No account with the primary email ${r.email} in this directory${create ? '' : ", and the directory's policy does not create missing users"}.`
      : describeConnectorError(e);
  await deps.record({
    type: 'MarkExternalAccountUnresolved',
    commandId: commandId(`unresolved/${deps.ids.next()}`),
    userId: r.userId,
    at,
    directoryId: r.directoryId,
    reason,
    detail,
  });
};

/**
 * `onSuspend` / `onUnbind`: suspend or restore the external account, and record the outcome. As for
 * a push, a directory may not know an account it created (or we linked) moments ago: a not-found
 * within `propagationWindowMs` of the link is retried, not recorded as final (Entra's replication
 * lag answered a suspension right after the account's creation with "does not exist", and the
 * account stayed enabled).
 */
export const runAccountAction = async (deps: Deps, user: ExistingUser, a: OwedAccountAction): Promise<void> => {
  const connector = deps.connectorFor(a.directoryId);
  if (connector === undefined || deps.breakerFor(a.directoryId).paused()) return;
  const id = externalUserId(a.externalKey);
  const binding = user.bindings[a.directoryId];
  const result = await pacedCall(
    deps.pacerFor(a.directoryId, connector.kind),
    deps.clock,
    async () => {
      const r = await (a.action === 'suspend' ? connector.suspend(id) : connector.reactivate(id))();
      return E.isRight(r) ? r : E.left(unlessPropagating(r.left, binding, deps.clock, deps.propagationWindowMs));
    },
    background(deps, a.directoryId),
  );
  const action = {
    actionId: a.actionId,
    userId: a.userId,
    directoryId: a.directoryId,
    generation: a.generation,
    externalKey: a.externalKey,
    action: a.action,
    reason: a.reason,
  };
  const at = isoNow(deps.clock);
  await (E.isRight(result)
    ? deps.record({ type: 'RecordAccountActionSucceeded', commandId: commandId(`account/${a.actionId}`), userId: a.userId, at, action })
    : deps.record({
        type: 'RecordAccountActionFailed',
        commandId: commandId(`account/${deps.ids.next()}`),
        userId: a.userId,
        at,
        action,
        failure: toPushFailure(result.left),
      }));
};
