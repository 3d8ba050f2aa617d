import { activationNoticeId, bindingNoticeId, pushesWithoutPlaintext } from '@takeover/core';
import type { ExternalUserKey } from '@takeover/core';
import { given, cid, t } from '@takeover/core/testing';
import { G, GOOD, M, U, c, ctx, history, more, owedAfter } from '../support.js';

const KEY = 'ada@example.com' as ExternalUserKey;

describe('R1: binding an active user sends one email per directory, and pushes nothing', () => {
  const active = history(c.create(0, 'active', GOOD));

  test('binding with a known key decides the binding and the link', () => {
    given(active, ctx)
      .when(c.bind(1, G.directoryId, KEY))
      .then([
        {
          type: 'UserBound',
          data: { userId: U, directoryId: G.directoryId, generation: 1, origin: 'admin', by: { role: 'admin', id: 'admin-1' }, at: t(1) },
        },
        {
          type: 'ExternalAccountLinked',
          data: { userId: U, directoryId: G.directoryId, generation: 1, externalKey: KEY, how: 'given', at: t(1) },
        },
      ]);
  });

  test('one binding email per directory is owed, no push', () => {
    const h = more(active, c.bind(1, G.directoryId, KEY), c.bind(2, M.directoryId, KEY));
    const todo = owedAfter(h);
    expect(todo.notices).toEqual([
      { noticeId: bindingNoticeId(U, G.directoryId, 1), kind: 'binding', userId: U, directoryId: G.directoryId },
      { noticeId: bindingNoticeId(U, M.directoryId, 1), kind: 'binding', userId: U, directoryId: M.directoryId },
    ]);
    expect(pushesWithoutPlaintext(todo)).toEqual([]);
  });

  test('the email waits until the external account is found', () => {
    const h = more(active, c.bind(1, G.directoryId));
    expect(owedAfter(h).notices).toEqual([]);
    expect(owedAfter(h).resolutions).toEqual([
      { userId: U, directoryId: G.directoryId, generation: 1, email: 'ada@example.com', createMissingUsers: true, attempt: 'bind' },
    ]);
    expect(owedAfter(more(h, c.link(2, G.directoryId, KEY))).notices.map((n) => n.kind)).toEqual(['binding']);
  });

  test('re-binding the same directory with the same key decides nothing', () => {
    given(more(active, c.bind(1, G.directoryId, KEY)), ctx)
      .when(c.bind(2, G.directoryId, KEY))
      .then([]);
  });
});

describe('R2: binding a new user (password pending) sends the activation email once, however many directories', () => {
  const fresh = history(c.create(0, 'active'), c.bind(1, G.directoryId, KEY), c.bind(2, M.directoryId, KEY));

  test('one activation notice, no binding notice, no push', () => {
    const todo = owedAfter(fresh);
    expect(todo.notices).toEqual([{ noticeId: activationNoticeId(U), kind: 'activation', userId: U }]);
    expect(todo.pushes).toEqual([]);
  });

  test('after activation, no binding email follows: the activation email told them', () => {
    const activated = more(fresh, c.setPassword(3, GOOD, 'user-activation'));
    expect(owedAfter(activated).notices).toEqual([]);
  });
});

describe('R15: each notice is recorded once per cause', () => {
  const h = history(c.create(0, 'active', GOOD), c.bind(1, G.directoryId, KEY));
  const noticeId = bindingNoticeId(U, G.directoryId, 1);
  const sent = (minute: number) => ({
    commandId: cid(),
    userId: U,
    at: t(minute),
    type: 'RecordNoticeSent' as const,
    noticeId,
    kind: 'binding' as const,
    directoryId: G.directoryId,
  });

  test('the first record is a NoticeSent', () => {
    given(h, ctx)
      .when(sent(2))
      .then([{ type: 'NoticeSent', data: { userId: U, noticeId, kind: 'binding', directoryId: G.directoryId, at: t(2) } }]);
  });

  test('a second record (a retry, a restart, another instance) decides nothing, and the notice is no longer owed', () => {
    const after = more(h, sent(2));
    given(after, ctx).when(sent(3)).then([]);
    expect(owedAfter(after).notices).toEqual([]);
  });

  test('a new cause (a re-bind) is a new notice', () => {
    const rebound = more(h, sent(2), c.unbind(3, G.directoryId), c.bind(4, G.directoryId, KEY));
    expect(owedAfter(rebound).notices.map((n) => n.noticeId)).toEqual([bindingNoticeId(U, G.directoryId, 2)]);
  });
});
