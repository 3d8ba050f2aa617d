import type {
  RecordExternalPasswordChange,
  RecordNoticeSent,
  RecordPushFailed,
  RecordPushStarted,
  RecordPushSucceeded,
} from './commands.js';
import type { UserContext } from './context.js';
import type { Decision } from './decision.js';
import { events, fail, notBound, nothing, userNotFound } from './decision.js';
import type { UserState } from './state.js';
import { DEFAULT_LEASE_MS, pushWaitOf, isManaged, pushDue } from './todo.js';

/**
 * Take the lease on an owed push. Appended with the expected stream version, this is what makes
 * several engine instances push a change once (design.md §3). Refused when the push is no longer
 * owed (the record moved on: push the newer one instead) or another lease is still live.
 */
export const decidePushStarted = (c: RecordPushStarted, state: UserState, ctx: UserContext): Decision => {
  if (state.status === 'absent') return userNotFound(c.userId);
  const { push } = c;
  const binding = state.bindings[push.directoryId];
  if (binding?.bound !== true || binding.generation !== push.generation) return notBound(c.userId, push.directoryId);
  // This very start, already appended (a retry after a lost acknowledgement, or decided again after a
  // conflict): the same push, time and instance. Another instance starting the same push in the same
  // millisecond is not a retry: it is refused below (issue 13: taken for one, both pushed).
  if (binding.inFlight?.pushId === push.pushId && binding.inFlight.since === c.at && binding.inFlight.instance === c.instance)
    return nothing;
  const due = pushDue(state, binding, ctx.directories[push.directoryId]);
  if (due?.pushId !== push.pushId) {
    const why =
      due !== undefined
        ? `the user record changed since; push ${due.pushId} instead`
        : !isManaged(state)
          ? 'the user is not active with an active password (R7)'
          : 'the directory is up to date or cannot be pushed to';
    return fail({ _tag: 'PushNotOwed', pushId: push.pushId, message: `Push ${push.pushId} is not owed: ${why}.` });
  }
  switch (pushWaitOf(binding, due, { now: c.at, leaseMs: ctx.leaseMs ?? DEFAULT_LEASE_MS })) {
    case 'in-flight': {
      const lease = binding.inFlight ?? { pushId: push.pushId, since: c.at };
      return fail({
        _tag: 'PushInFlight',
        pushId: lease.pushId,
        since: lease.since,
        message: `Push ${lease.pushId} to this directory is in flight since ${lease.since}.`,
      });
    }
    case 'permanent-failure':
      return fail({
        _tag: 'PushNotOwed',
        pushId: push.pushId,
        message: `Push ${push.pushId} failed permanently; it is retried only after the user record changes (R12).`,
      });
    case undefined:
      return events({
        type: 'PushStarted',
        data: c.instance === undefined ? { ...due, at: c.at } : { ...due, at: c.at, instance: c.instance },
      });
  }
};

/** Record what happened, truthfully, even after an unbind or re-bind (evolve ignores outcomes of other generations). */
export const decidePushSucceeded = (c: RecordPushSucceeded, state: UserState): Decision => {
  if (state.status === 'absent') return userNotFound(c.userId);
  const binding = state.bindings[c.push.directoryId];
  if (binding === undefined) return notBound(c.userId, c.push.directoryId);
  if (binding.lastSuccess?.pushId === c.push.pushId) return nothing;
  return events({
    type: 'PushSucceeded',
    data: c.sessionsEnded === undefined ? { ...c.push, at: c.at } : { ...c.push, at: c.at, sessionsEnded: c.sessionsEnded },
  });
};

export const decidePushFailed = (c: RecordPushFailed, state: UserState): Decision => {
  if (state.status === 'absent') return userNotFound(c.userId);
  const binding = state.bindings[c.push.directoryId];
  if (binding === undefined) return notBound(c.userId, c.push.directoryId);
  if (binding.lastFailure?.pushId === c.push.pushId && binding.lastFailure.at === c.at) return nothing;
  return events({ type: 'PushFailed', data: { ...c.push, failure: c.failure, at: c.at } });
};

/** R15: a notice is recorded once per cause (its deterministic id); recording it again decides nothing. */
export const decideNoticeSent = (c: RecordNoticeSent, state: UserState): Decision => {
  if (state.status === 'absent') return userNotFound(c.userId);
  if (state.noticesSent.includes(c.noticeId)) return nothing;
  const data = { userId: c.userId, noticeId: c.noticeId, kind: c.kind, at: c.at };
  return events({ type: 'NoticeSent', data: c.directoryId === undefined ? data : { ...data, directoryId: c.directoryId } });
};

/**
 * R16: a password change the directory reports. Recorded only when it is someone else's: after our
 * last password push there (ours are never mistaken for external ones), on a binding whose takeover
 * is complete (before that, the takeover is owed anyway), and once until it is set back (two
 * external changes before a login make one push).
 */
export const decideExternalPasswordChange = (c: RecordExternalPasswordChange, state: UserState): Decision => {
  if (state.status === 'absent') return userNotFound(c.userId);
  const b = state.bindings[c.directoryId];
  if (b?.bound !== true) return notBound(c.userId, c.directoryId);
  if (b.link.status !== 'linked' || !b.takeoverComplete || b.externalChangePending !== null) return nothing;
  if (b.lastPasswordPushAt !== null && c.changedAt <= b.lastPasswordPushAt) return nothing;
  const data = {
    userId: c.userId,
    at: c.at,
    directoryId: c.directoryId,
    generation: b.generation,
    externalKey: b.link.externalKey,
    changedAt: c.changedAt,
    source: c.source,
  };
  return events({ type: 'ExternalPasswordChangeDetected', data: c.by === undefined ? data : { ...data, by: c.by } });
};
