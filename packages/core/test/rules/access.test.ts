import { owed, pushesToCarryOut } from '@takeover/core';
import type { ExternalUserKey } from '@takeover/core';
import { given, t } from '@takeover/core/testing';
import { G, GOOD, M, U, c, ctx, history, more, owedAfter, stateOf, takenOver } from '../support.js';

const KEY = 'ada@example.com' as ExternalUserKey;

describe('R7: staged and suspended users cannot log in; a pending or expired password must be set first; none triggers a push', () => {
  test('a staged user cannot log in', () => {
    given(history(c.create(0, 'staged', GOOD)), ctx)
      .when(c.login(1))
      .then({ _tag: 'CannotLogIn', reason: 'staged' });
  });

  test('a suspended user cannot log in, and no push or notice is owed to them (only the account suspension, see lifecycle)', () => {
    const h = more(takenOver(), c.rename(10, 'Augusta'), c.suspend(11));
    given(h, ctx)
      .when(c.login(12))
      .then({ _tag: 'CannotLogIn', reason: 'suspended', message: 'This account is suspended: ask your administrator.' });
    expect(owedAfter(h)).toMatchObject({ pushes: [], notices: [], resolutions: [] });
  });

  test('a pending password must be set first', () => {
    given(history(c.create(0, 'active'), c.bind(1, G.directoryId, KEY)), ctx)
      .when(c.login(2))
      .then({ _tag: 'CannotLogIn', reason: 'password-pending' });
  });

  test('an expired password must be changed first; nothing is pushed meanwhile', () => {
    const h = more(takenOver(), c.rename(10, 'Augusta'), c.expire(11));
    given(h, ctx).when(c.login(12)).then({ _tag: 'CannotLogIn', reason: 'password-expired' });
    expect(owedAfter(h).pushes).toEqual([]);
  });

  test('setting a new password after expiry makes the pushes owed again', () => {
    const h = more(takenOver(), c.expire(10), c.setPassword(11, 'New-Passw0rd!'));
    expect(pushesToCarryOut(stateOf(h), ctx.directories, 'portal-password-change').map((p) => p.reason)).toEqual([
      'password-changed',
      'password-changed',
    ]);
  });

  test('a staged user bound to directories is owed nothing, not even a notice', () => {
    const h = history(c.create(0, 'staged', GOOD), c.bind(1, G.directoryId, KEY));
    expect(owedAfter(h)).toEqual({ pushes: [], notices: [], resolutions: [], accountActions: [] });
    expect(owedAfter(more(h, c.activate(2))).notices.map((n) => n.kind)).toEqual(['binding']);
  });

  test('a staged user cannot activate their own password', () => {
    given(history(c.create(0, 'staged')), ctx)
      .when(c.setPassword(1, GOOD, 'user-activation'))
      .then({ _tag: 'PasswordChangeNotAllowed', reason: 'staged' });
  });
});

describe('R13: unbinding ends management', () => {
  test('the unbind records what the directory policy says about the external account', () => {
    given(takenOver(), ctx)
      .when(c.unbind(10, M.directoryId))
      .then([
        {
          type: 'UserUnbound',
          data: {
            userId: U,
            directoryId: M.directoryId,
            generation: 1,
            externalAccount: 'suspend',
            by: { role: 'admin', id: 'admin-1' },
            at: t(10),
          },
        },
      ]);
  });

  test('nothing more is owed to that directory, whatever changes', () => {
    const h = more(takenOver(), c.unbind(10, M.directoryId), c.rename(11, 'Augusta'), c.setPassword(12, 'New-Passw0rd!'), c.login(13));
    expect(owedAfter(h).pushes.map((p) => p.directoryId)).toEqual([G.directoryId]);
  });

  test('a second unbind decides nothing', () => {
    given(more(takenOver(), c.unbind(10, M.directoryId)), ctx)
      .when(c.unbind(11, M.directoryId))
      .then([]);
  });

  test('a disconnected directory is owed nothing either', () => {
    const h = more(takenOver(), c.rename(10, 'Augusta'));
    const onlyGoogle = { [G.directoryId]: G };
    expect(owed(stateOf(h), onlyGoogle).pushes.map((p) => p.directoryId)).toEqual([G.directoryId]);
  });
});
