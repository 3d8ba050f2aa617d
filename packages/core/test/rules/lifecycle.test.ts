import { owed } from '@takeover/core';
import type { ExternalUserKey, OwedAccountAction, UserCommand, UserEvent } from '@takeover/core';
import { directoriesOf, given, googleWorkspace, microsoftEntra, cid, t } from '@takeover/core/testing';
import { G, M, U, c, ctx, more, owedAfter, stateOf, takenOver } from '../support.js';

const record = (minute: number, a: OwedAccountAction): UserCommand => {
  const { lastFailure: _l, ...action } = a;
  return { commandId: cid(), userId: U, at: t(minute), type: 'RecordAccountActionSucceeded', action };
};
const actions = (events: ReadonlyArray<UserEvent>) => owedAfter(events).accountActions.map((a) => [a.directoryId, a.action, a.reason]);
const doAll = (events: ReadonlyArray<UserEvent>, minute: number) =>
  owedAfter(events).accountActions.reduce((h, a) => more(h, record(minute, a)), events);

describe('lifecycle policy: the external account follows the user (onSuspend, onUnbind)', () => {
  test('suspending the user owes a suspension in every directory whose policy says so, and restoring them owes a restore', () => {
    const suspended = more(takenOver(), c.suspend(10));
    expect(actions(suspended)).toEqual([
      [G.directoryId, 'suspend', 'user-suspended'],
      [M.directoryId, 'suspend', 'user-suspended'],
    ]);
    const done = doAll(suspended, 11);
    expect(actions(done)).toEqual([]);
    const back = more(done, c.activate(12));
    expect(actions(back)).toEqual([
      [G.directoryId, 'restore', 'access-restored'],
      [M.directoryId, 'restore', 'access-restored'],
    ]);
    expect(actions(doAll(back, 13))).toEqual([]);
  });

  test('onSuspend: keep leaves the account alone', () => {
    const keep = { directories: directoriesOf(googleWorkspace('google', 'example.com', { onSuspend: 'keep' }), microsoftEntra()) };
    const s = more(takenOver(), c.suspend(10));
    expect(owed(stateOf(s), keep.directories).accountActions.map((a) => a.directoryId)).toEqual([M.directoryId]);
  });

  test('unbinding under onUnbind: suspend owes one suspension, then nothing more (R13)', () => {
    const unbound = more(takenOver(), c.unbind(10, M.directoryId));
    expect(actions(unbound)).toEqual([[M.directoryId, 'suspend', 'unbound']]);
    const done = doAll(unbound, 11);
    expect(actions(done)).toEqual([]);
    expect(owedAfter(more(done, c.rename(12, 'Augusta'))).pushes.map((p) => p.directoryId)).toEqual([G.directoryId]);
  });

  test('re-binding restores the account Takeover suspended', () => {
    const done = doAll(more(takenOver(), c.unbind(10, M.directoryId)), 11);
    const rebound = more(done, c.bind(12, M.directoryId, 'ada@contoso.com' as ExternalUserKey));
    expect(actions(rebound)).toEqual([[M.directoryId, 'restore', 'access-restored']]);
  });

  test('recording the same action twice decides nothing', () => {
    const suspended = more(takenOver(), c.suspend(10));
    const [a] = owedAfter(suspended).accountActions;
    if (a === undefined) throw new Error('expected an action');
    given(more(suspended, record(11, a)), ctx)
      .when(record(12, a))
      .then([]);
  });

  test('a permanent failure waits; a retryable one stays owed', () => {
    const suspended = more(takenOver(), c.suspend(10));
    const [a] = owedAfter(suspended).accountActions;
    if (a === undefined) throw new Error('expected an action');
    const { lastFailure: _l, ...action } = a;
    const fail = (cls: 'permanent' | 'retryable'): UserCommand => ({
      commandId: cid(),
      userId: U,
      at: t(11),
      type: 'RecordAccountActionFailed',
      action,
      failure: { class: cls, code: 'x', message: 'no' },
    });
    expect(owedAfter(more(suspended, fail('permanent'))).accountActions.map((x) => x.actionId)).not.toContain(a.actionId);
    expect(owedAfter(more(suspended, fail('retryable'))).accountActions.find((x) => x.actionId === a.actionId)?.lastFailure).toEqual({
      class: 'retryable',
      code: 'x',
      message: 'no',
    });
  });
});
