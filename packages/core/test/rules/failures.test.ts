import type { ExternalUserKey, OwedPush, RecordPushStarted } from '@takeover/core';
import { syncStatus } from '@takeover/core';
import { given, t } from '@takeover/core/testing';
import { G, GOOD, M, c, ctx, history, more, owedAfter, stateOf, takenOver } from '../support.js';

const KEY = 'ada@example.com' as ExternalUserKey;
const loggedIn = () => history(c.create(0, 'active', GOOD), c.bind(1, G.directoryId, KEY), c.login(2));
const first = (events: Parameters<typeof owedAfter>[0], minute = 1000): OwedPush => {
  const p = owedAfter(events, minute).pushes[0];
  if (p === undefined) throw new Error('expected an owed push');
  return p;
};

describe('R12: a failed push stays owed and visible; retryable ones are retried, permanent ones wait for a change', () => {
  test('a retryable failure stays owed, with its reason', () => {
    const p = first(loggedIn());
    const h = more(
      loggedIn(),
      c.started(3, p),
      c.failed(4, p, { class: 'retryable', code: 'rateLimitExceeded', message: 'Rate limit exceeded', retryAfterMs: 2000 }),
    );
    expect(owedAfter(h).pushes).toEqual([
      { ...p, lastFailure: { class: 'retryable', code: 'rateLimitExceeded', message: 'Rate limit exceeded', retryAfterMs: 2000 } },
    ]);
  });

  test('a permanent failure is not retried', () => {
    const p = first(loggedIn());
    const h = more(
      loggedIn(),
      c.started(3, p),
      c.failed(4, p, { class: 'permanent', code: 'not-found', message: 'Resource Not Found: userKey' }),
    );
    expect(owedAfter(h).pushes).toEqual([]);
    given(h, ctx).when(c.started(5, p)).then({ _tag: 'PushNotOwed', pushId: p.pushId });
  });

  test('...until something changes: a new record version is a new push', () => {
    const p = first(loggedIn());
    const h = more(
      loggedIn(),
      c.started(3, p),
      c.failed(4, p, { class: 'permanent', code: 'not-found', message: 'Resource Not Found' }),
      c.rename(5, 'Augusta'),
    );
    const [next] = owedAfter(h).pushes;
    expect(next?.pushId).not.toEqual(p.pushId);
    expect(next?.recordVersion).toBe(3);
  });

  test('an auth failure stays owed (the directory needs an admin; the engine pauses it)', () => {
    const p = first(loggedIn());
    const h = more(
      loggedIn(),
      c.started(3, p),
      c.failed(4, p, { class: 'auth', code: 'invalid_client', message: 'Invalid client secret' }),
    );
    expect(owedAfter(h).pushes.map((x) => x.pushId)).toEqual([p.pushId]);
  });
});

describe('the lease: a push in flight is not owed again until its lease expires', () => {
  const p = first(loggedIn());
  const inFlight = more(loggedIn(), c.started(10, p));

  test('PushStarted carries the whole push description', () => {
    const { needsPlaintext: _n, lastFailure: _l, ...push } = p;
    given(loggedIn(), ctx)
      .when(c.started(10, p))
      .then([{ type: 'PushStarted', data: { ...push, at: t(10) } }]);
  });

  test('within the lease nothing is owed to that directory, and a second start is refused', () => {
    expect(owedAfter(inFlight, 11).pushes).toEqual([]);
    given(inFlight, ctx)
      .when(c.started(11, p))
      .then({ _tag: 'PushInFlight', pushId: p.pushId, since: t(10) });
  });

  test('another instance starting the same push in the same millisecond is refused, not taken for a retry of the first (issue 13)', () => {
    const on = (instance: string) => ({ ...(c.started(10, p) as RecordPushStarted), instance });
    const h = more(loggedIn(), on('instance-a'));
    given(h, ctx)
      .when(on('instance-b'))
      .then({ _tag: 'PushInFlight', pushId: p.pushId, since: t(10) });
    // The same instance's start, retried after a lost acknowledgement, decides nothing (the lease is its own).
    given(h, ctx).when(on('instance-a')).then([]);
  });

  test('after the lease (2 minutes by default) it is owed again, and another instance may take it', () => {
    expect(owedAfter(inFlight, 13).pushes.map((x) => x.pushId)).toEqual([p.pushId]);
    given(inFlight, ctx)
      .when(c.started(13, p))
      .then([{ type: 'PushStarted', data: { ...(({ needsPlaintext: _n, lastFailure: _l, ...x }) => x)(p), at: t(13) } }]);
  });

  test('a newer change waits behind the push in flight, so an older password never overwrites a newer one', () => {
    const h = more(inFlight, c.setPassword(11, 'New-Passw0rd!'));
    expect(owedAfter(h, 11).pushes).toEqual([]);
    const done = more(h, c.succeeded(12, p));
    expect(owedAfter(done, 12).pushes.map((x) => [x.passwordVersion, x.reason])).toEqual([[2, 'password-changed']]);
  });

  test('a stale start (the record moved on) is refused, naming the push to do instead', () => {
    const h = more(loggedIn(), c.rename(5, 'Augusta'));
    const r = given(h, ctx).when(c.started(6, p)).result;
    expect(r).toMatchObject({ left: { _tag: 'PushNotOwed' } });
  });

  test('recording the same success twice decides nothing', () => {
    const done = more(inFlight, c.succeeded(12, p));
    given(done, ctx).when(c.succeeded(13, p)).then([]);
  });
});

describe('once everything owed succeeded, nothing is owed', () => {
  test('after the takeover', () => {
    const h = takenOver();
    expect(owedAfter(h).pushes).toEqual([]);
    // Both bindings (Google and Microsoft) are complete and in sync, not merely absent from the list.
    expect(syncStatus(stateOf(h), ctx.directories).map((s) => [s.directoryId, s.state, s.takeoverComplete])).toEqual([
      [G.directoryId, 'in-sync', true],
      [M.directoryId, 'in-sync', true],
    ]);
  });
});

describe('outcomes concern one external account', () => {
  test('a late success for the account before a re-link does not complete the takeover of the new one', () => {
    const h = loggedIn();
    const p = first(h);
    const relinked = more(h, c.started(3, p), c.link(4, G.directoryId, 'augusta@example.com' as ExternalUserKey), c.succeeded(5, p));
    expect(owedAfter(relinked).pushes.map((x) => [x.externalKey, x.reason])).toEqual([['augusta@example.com', 'takeover']]);
  });
});

describe('R12: sync status per user × directory shows the failure and its reason', () => {
  test('from awaiting login, through in flight and failed, to in sync', () => {
    const h = loggedIn();
    const p = first(h);
    const status = (events: Parameters<typeof owedAfter>[0], minute: number) =>
      syncStatus(stateOf(events), ctx.directories, { now: t(minute) }).map((s) => s.state);
    expect(status(h, 3)).toEqual(['awaiting-login']);
    const started = more(h, c.started(3, p));
    expect(status(started, 4)).toEqual(['in-flight']);
    const failed = more(started, c.failed(4, p, { class: 'retryable', code: 'backendError', message: 'Backend Error' }));
    expect(syncStatus(stateOf(failed), ctx.directories, { now: t(5) })).toEqual([
      {
        directoryId: G.directoryId,
        generation: 1,
        state: 'failed',
        takeoverComplete: false,
        externalKey: KEY,
        lastFailure: { class: 'retryable', code: 'backendError', message: 'Backend Error', at: t(4) },
      },
    ]);
    const blocked = more(started, c.failed(4, p, { class: 'permanent', code: 'forbidden', message: 'Not Authorized' }));
    expect(status(blocked, 5)).toEqual(['blocked']);
    const done = more(failed, c.started(6, p), c.succeeded(7, p));
    expect(syncStatus(stateOf(done), ctx.directories, { now: t(8) })).toEqual([
      { directoryId: G.directoryId, generation: 1, state: 'in-sync', takeoverComplete: true, externalKey: KEY, lastSuccessAt: t(7) },
    ]);
  });

  test('an unresolved account is visible with its reason', () => {
    const h = history(c.create(0, 'active', GOOD), c.bind(1, M.directoryId), c.unresolved(2, M.directoryId));
    expect(syncStatus(stateOf(h), ctx.directories)).toEqual([
      {
        directoryId: M.directoryId,
        generation: 1,
        state: 'unresolved',
        takeoverComplete: false,
        unresolved: { reason: 'not-found', detail: 'No account with ada@example.com' },
      },
    ]);
  });
});
