import { owed, pushesToCarryOut, pushesWithoutPlaintext } from '@takeover/core';
import type { ExternalUserKey, UserCommand } from '@takeover/core';
import { directoriesOf, given, googleWorkspace, microsoftEntra, t } from '@takeover/core/testing';
import { G, GOOD, M, OTHER, U, c, ctx, history, more, owedAfter, pushAll, stateOf, takenOver } from '../support.js';

const KEY = 'ada@example.com' as ExternalUserKey;
const bound = () => history(c.create(0, 'active', GOOD), c.bind(1, G.directoryId, KEY), c.bind(2, M.directoryId, KEY));

describe('R3: no password goes to a directory before the first portal login after binding', () => {
  test('the takeover push is owed but needs the plaintext, so it waits for a login', () => {
    const pushes = owedAfter(bound()).pushes;
    expect(pushes.map((p) => [p.directoryId, p.reason, p.carriesPassword, p.needsPlaintext])).toEqual([
      [G.directoryId, 'takeover', true, true],
      [M.directoryId, 'takeover', true, true],
    ]);
    expect(pushesWithoutPlaintext(owedAfter(bound()))).toEqual([]);
  });

  test('a portal password change before that login does not carry it out', () => {
    const h = more(bound(), c.setPassword(3, OTHER));
    expect(pushesToCarryOut(stateOf(h), ctx.directories, 'portal-password-change')).toEqual([]);
  });

  test('at the login it goes to every bound directory still awaiting takeover', () => {
    const h = more(bound(), c.login(3));
    expect(pushesToCarryOut(stateOf(h), ctx.directories, 'portal-login').map((p) => p.directoryId)).toEqual([G.directoryId, M.directoryId]);
  });

  test('the login itself is recorded as a PortalLogin', () => {
    given(bound(), ctx)
      .when(c.login(3))
      .then([{ type: 'PortalLogin', data: { userId: U, at: t(3) } }]);
  });

  test('a login stamped with the very time of the last one is taken for its retry: nothing more is recorded (hosts and tests stamp distinct logins at distinct times)', () => {
    given(more(bound(), c.login(3)), ctx)
      .when(c.login(3))
      .then([]);
  });
});

describe('R4: after takeover, a change makes a push owed, carried out at the next login or portal password change', () => {
  test('an attribute change', () => {
    const p = owedAfter(more(takenOver(), c.rename(10, 'Augusta'))).pushes;
    expect(p.map((x) => [x.directoryId, x.reason])).toEqual([
      [G.directoryId, 'attributes-changed'],
      [M.directoryId, 'attributes-changed'],
    ]);
  });

  test('a password change in the portal is carried out right away', () => {
    const h = more(takenOver(), c.setPassword(10, OTHER));
    expect(
      pushesToCarryOut(stateOf(h), ctx.directories, 'portal-password-change').map((x) => [x.directoryId, x.reason, x.carriesPassword]),
    ).toEqual([
      [G.directoryId, 'password-changed', true],
      [M.directoryId, 'password-changed', true],
    ]);
  });

  test('a re-link to another account is a rebind', () => {
    const h = more(takenOver(), c.link(10, G.directoryId, 'augusta@example.com' as ExternalUserKey));
    expect(owedAfter(h).pushes.map((x) => [x.directoryId, x.reason, x.externalKey])).toEqual([
      [G.directoryId, 'rebind', 'augusta@example.com'],
    ]);
  });

  test('an unbind and re-bind is a rebind', () => {
    const h = more(takenOver(), c.unbind(10, M.directoryId), c.bind(11, M.directoryId, KEY));
    expect(owedAfter(h).pushes.map((x) => [x.directoryId, x.reason, x.generation])).toEqual([[M.directoryId, 'rebind', 2]]);
  });
});

describe('R5: a login with nothing owed pushes nothing', () => {
  test('after the takeover, a login carries out nothing', () => {
    const h = more(takenOver(), c.login(10));
    expect(pushesToCarryOut(stateOf(h), ctx.directories, 'portal-login')).toEqual([]);
  });
});

describe("R6: a new user's password reaches every bound directory once set (activation) and logged in", () => {
  const fresh = history(c.create(0, 'active'), c.bind(1, G.directoryId, KEY), c.bind(2, M.directoryId, KEY));

  test('activation refuses a password a bound directory would reject, naming it', () => {
    given(fresh, ctx)
      .when(c.setPassword(3, 'abcdefgh12', 'user-activation'))
      .then({
        _tag: 'PasswordRejected',
        message:
          'Please choose another password. Microsoft 365 (contoso.com) needs at least 3 of: lowercase, uppercase, digits, symbols — yours has lowercase and digits only.',
      });
  });

  test('activation decides PasswordSet without the password, and nothing is pushed until the login', () => {
    given(fresh, ctx)
      .when(c.setPassword(3, GOOD, 'user-activation'))
      .then([{ type: 'PasswordSet', data: { userId: U, by: 'user-activation', passwordVersion: 1, recordVersion: 2, at: t(3) } }]);
    const activated = more(fresh, c.setPassword(3, GOOD, 'user-activation'));
    expect(pushesToCarryOut(stateOf(activated), ctx.directories, 'portal-password-change')).toEqual([]);
    const loggedIn = more(activated, c.login(4));
    expect(pushesToCarryOut(stateOf(loggedIn), ctx.directories, 'portal-login').map((p) => [p.directoryId, p.passwordVersion])).toEqual([
      [G.directoryId, 1],
      [M.directoryId, 1],
    ]);
  });
});

describe('R8: every-push carries the password with attribute changes; when-changed does not, and needs no login', () => {
  test('every-push: the attribute change needs the plaintext', () => {
    const [p] = owedAfter(more(takenOver(), c.rename(10, 'Augusta'))).pushes;
    expect([p?.carriesPassword, p?.needsPlaintext]).toEqual([true, true]);
  });

  test('when-changed: attribute-only, no plaintext, no session revocation', () => {
    const lenient = directoriesOf(
      googleWorkspace(),
      microsoftEntra('m365', 'contoso.com', { passwordPush: 'when-changed', revokeSessionsOnPush: true }),
    );
    const h = more(takenOver(), c.rename(10, 'Augusta'));
    const m = owed(stateOf(h), lenient, { now: t(11) }).pushes.find((p) => p.directoryId === M.directoryId);
    expect(m).toMatchObject({
      carriesPassword: false,
      needsPlaintext: false,
      revokeSessions: false,
      reason: 'attributes-changed',
      passwordVersion: 1,
    });
  });

  test('when-changed: a password change still carries it, and revokes sessions when the policy says so', () => {
    const lenient = directoriesOf(
      googleWorkspace(),
      microsoftEntra('m365', 'contoso.com', { passwordPush: 'when-changed', revokeSessionsOnPush: true }),
    );
    const h = more(takenOver(), c.setPassword(10, OTHER));
    expect(owed(stateOf(h), lenient).pushes.find((p) => p.directoryId === M.directoryId)).toMatchObject({
      carriesPassword: true,
      revokeSessions: true,
      passwordVersion: 2,
    });
  });
});

describe('R9: a login that pushed leaves, per directory, a success that carried the password, tied to the login', () => {
  test('PushSucceeded carries directory, versions and carriesPassword; the login id travels as correlationId', () => {
    const h = more(bound(), c.login(3));
    const loginId = h[h.length - 1]?.metadata?.eventId ?? '';
    const [p] = owedAfter(h).pushes;
    if (p === undefined) throw new Error('expected a push');
    const started = more(h, { ...c.started(4, p), correlationId: loginId });
    const result = given(started, ctx).when({ ...c.succeeded(5, p), correlationId: loginId }).result;
    expect(result).toMatchObject({
      right: [
        {
          type: 'PushSucceeded',
          data: { directoryId: G.directoryId, carriesPassword: true, passwordVersion: 1 },
          metadata: { correlationId: loginId },
        },
      ],
    });
  });
});

describe('R10: a password changed directly in the directory is overwritten at the next push', () => {
  test("under every-push any later push carries the platform's password", () => {
    const p = owedAfter(more(takenOver(), c.rename(10, 'Augusta'))).pushes;
    expect(p.every((x) => x.carriesPassword)).toBe(true);
  });
});

describe('R16: a password changed in the directory makes a push owed, set back at the next login', () => {
  const m365Key = 'ada@contoso.com' as ExternalUserKey;
  const whenChanged = directoriesOf(
    googleWorkspace(),
    microsoftEntra('m365', 'contoso.com', { passwordPush: 'when-changed', revokeSessionsOnPush: true }),
  );

  test('a change later than our last password push is recorded, with who made it when the directory says', () => {
    given(takenOver(), ctx)
      .when(c.externalChange(10, M.directoryId, 9, 'ada@contoso.com'))
      .then([
        {
          type: 'ExternalPasswordChangeDetected',
          data: {
            userId: U,
            at: t(10),
            directoryId: M.directoryId,
            generation: 1,
            externalKey: m365Key,
            changedAt: t(9),
            source: 'sweep',
            by: 'ada@contoso.com',
          },
        },
      ]);
  });

  test('it makes a push owed to that directory only, carrying the password, though nothing else changed', () => {
    const h = more(takenOver(), c.externalChange(10, M.directoryId, 9));
    expect(owedAfter(h).pushes.map((p) => [p.directoryId, p.reason, p.carriesPassword, p.needsPlaintext])).toEqual([
      [M.directoryId, 'external-change', true, true],
    ]);
    // Carried out at the next login (the plaintext is needed), not before.
    expect(pushesWithoutPlaintext(owedAfter(h))).toEqual([]);
    expect(pushesToCarryOut(stateOf(more(h, c.login(11))), ctx.directories, 'portal-login').map((p) => p.directoryId)).toEqual([
      M.directoryId,
    ]);
  });

  test('under when-changed too: the detected change is a password change, so the push carries the password', () => {
    const h = more(takenOver(), c.externalChange(10, M.directoryId, 9));
    expect(owed(stateOf(h), whenChanged, { now: t(11) }).pushes.map((p) => [p.directoryId, p.reason, p.carriesPassword])).toEqual([
      [M.directoryId, 'external-change', true],
    ]);
  });

  test('our own push is not taken for an external change: a change not later than our last password push records nothing', () => {
    // takenOver() recorded the pushes at minute 4: the directory's stamp of our own set is not later.
    given(takenOver(), ctx)
      .when(c.externalChange(10, M.directoryId, 4))
      .then([]);
    given(takenOver(), ctx)
      .when(c.externalChange(10, M.directoryId, 3))
      .then([]);
    expect(owedAfter(takenOver()).pushes).toEqual([]);
  });

  test('two changes before a login make one push: a second detection while one is owed records nothing', () => {
    const h = more(takenOver(), c.externalChange(10, M.directoryId, 9));
    given(h, ctx)
      .when(c.externalChange(12, M.directoryId, 11))
      .then([]);
    expect(owedAfter(h).pushes).toHaveLength(1);
  });

  test('once set back, nothing is owed; a later change is a push of its own (a new push id)', () => {
    const h = more(takenOver(), c.externalChange(10, M.directoryId, 9), c.login(11));
    const [first] = owedAfter(h).pushes;
    const setBack = pushAll(h, 12);
    expect(owedAfter(setBack).pushes).toEqual([]);
    const again = more(setBack, c.externalChange(20, M.directoryId, 19));
    const [second] = owedAfter(again).pushes;
    expect(second?.reason).toBe('external-change');
    expect(second?.pushId).not.toBe(first?.pushId);
  });

  test('before the takeover completed there, nothing is recorded (the takeover push sets the password anyway)', () => {
    const bound = history(c.create(0, 'active', GOOD), c.bind(1, G.directoryId, KEY), c.bind(2, M.directoryId, m365Key));
    given(bound, ctx)
      .when(c.externalChange(10, M.directoryId, 9))
      .then([]);
  });

  test('a directory the user is not bound to is refused', () => {
    const h = history(c.create(0, 'active', GOOD), c.bind(1, G.directoryId, KEY), c.login(2));
    expect(given(h, ctx).when(c.externalChange(10, M.directoryId, 9)).result._tag).toBe('Left');
  });
});

describe('R11: imported bindings whose takeover never completed are pushed at the next login', () => {
  test('an imported, linked binding is owed a takeover push', () => {
    const h = history(c.create(0, 'active', GOOD), c.bind(1, G.directoryId, KEY, 'import'), c.login(2));
    expect(pushesToCarryOut(stateOf(h), ctx.directories, 'portal-login').map((p) => [p.directoryId, p.reason])).toEqual([
      [G.directoryId, 'takeover'],
    ]);
  });

  test('an import marked already in sync owes nothing at the login, and a push after the next change', () => {
    const importInSync = { ...c.bind(1, G.directoryId, KEY, 'import'), alreadyInSync: true } as UserCommand;
    const h = history(c.create(0, 'active', GOOD), importInSync, c.login(2));
    expect(pushesToCarryOut(stateOf(h), ctx.directories, 'portal-login')).toEqual([]);
    expect(owedAfter(h).notices).toEqual([]);
    expect(owedAfter(more(h, c.rename(3, 'Augusta'))).pushes.map((p) => p.reason)).toEqual(['attributes-changed']);
  });

  test('only an import with a known account can be marked in sync', () => {
    given(history(c.create(0, 'active', GOOD)), ctx)
      .when({ ...c.bind(1, G.directoryId, KEY), alreadyInSync: true } as UserCommand)
      .then({ _tag: 'InvalidBinding' });
  });

  test('after the push succeeds, it is done', () => {
    const h = pushAll(history(c.create(0, 'active', GOOD), c.bind(1, G.directoryId, KEY, 'import'), c.login(2)), 3);
    expect(owedAfter(h).pushes).toEqual([]);
  });
});
