import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { Secret, decodeUserEvent, directoryId, evolveUser, evolveUserAll, externalUserKey, owed, userDecider } from '@takeover/core';
import type { DirectoryId, OwedPush, UserCommand, UserContext, UserEvent, UserState } from '@takeover/core';
import { admin, setterOf, cid, directoriesOf, googleWorkspace, microsoftEntra, t, uid } from '@takeover/core/testing';

// Random command sequences with random passwords, against a Google directory (every-push) and a
// Microsoft one (when-changed, revoking sessions); a third id is never connected.
const U = uid('u1');
const dirs = directoriesOf(
  googleWorkspace('google', 'example.com'),
  microsoftEntra('m365', 'contoso.com', { passwordPush: 'when-changed', revokeSessionsOnPush: true }),
);
const ctx: UserContext = { directories: dirs };
const DIRS: ReadonlyArray<DirectoryId> = [directoryId('google'), directoryId('m365'), directoryId('never-connected')];

/** Passwords the policies accept (a fixed mix of classes plus random printable text) and arbitrary ones (often rejected). */
const password = fc.oneof(
  { arbitrary: fc.string({ minLength: 10, maxLength: 30, unit: 'grapheme-ascii' }).map((s) => `Aa1!${s}`), weight: 4 },
  { arbitrary: fc.string({ minLength: 8, maxLength: 40, unit: 'binary' }), weight: 1 },
);

type Step =
  | { readonly k: 'create'; readonly state: 'staged' | 'active'; readonly pw: string | null }
  | { readonly k: 'activate' | 'suspend' | 'stage' | 'expire' }
  | { readonly k: 'login'; readonly pw: string }
  | { readonly k: 'bind'; readonly d: number; readonly key: number | null }
  | { readonly k: 'unbind' | 'unresolved'; readonly d: number }
  | { readonly k: 'link'; readonly d: number; readonly key: number }
  | { readonly k: 'rename'; readonly name: string }
  | { readonly k: 'setPassword'; readonly pw: string; readonly by: 'user-activation' | 'user-portal' | 'admin' }
  | { readonly k: 'start' | 'succeed' | 'notice' | 'account'; readonly i: number }
  | { readonly k: 'fail'; readonly i: number; readonly cls: 'retryable' | 'permanent' | 'auth' }
  | { readonly k: 'wait'; readonly minutes: number };

const d = fc.nat(2);
const create = fc.record({
  k: fc.constant('create' as const),
  state: fc.constantFrom('staged' as const, 'active' as const, 'active' as const),
  pw: fc.option(password, { freq: 4 }),
});
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: create, weight: 1 },
  { arbitrary: fc.record({ k: fc.constantFrom('activate' as const, 'suspend' as const) }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constantFrom('stage' as const, 'expire' as const) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('login' as const), pw: password }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('bind' as const), d, key: fc.option(fc.nat(1), { freq: 3 }) }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constantFrom('unbind' as const, 'unresolved' as const), d }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('link' as const), d, key: fc.nat(1) }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('rename' as const), name: fc.constantFrom('Ada', 'Augusta', '', 'Byron') }), weight: 2 },
  {
    arbitrary: fc.record({
      k: fc.constant('setPassword' as const),
      pw: password,
      by: fc.constantFrom('user-activation' as const, 'user-portal' as const, 'admin' as const),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ k: fc.constantFrom('start' as const, 'succeed' as const, 'notice' as const), i: fc.nat(3) }), weight: 6 },
  { arbitrary: fc.record({ k: fc.constant('account' as const), i: fc.nat(3) }), weight: 3 },
  {
    arbitrary: fc.record({
      k: fc.constant('fail' as const),
      i: fc.nat(3),
      cls: fc.constantFrom('retryable' as const, 'permanent' as const, 'auth' as const),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ k: fc.constant('wait' as const), minutes: fc.integer({ min: 1, max: 5 }) }), weight: 1 },
);

const strip = ({ needsPlaintext: _n, lastFailure: _l, ...push }: OwedPush) => push;
const pick = <A>(xs: ReadonlyArray<A>, i: number): A | undefined => xs[i % Math.max(1, xs.length)];

interface World {
  state: UserState;
  events: UserEvent[];
  minute: number;
  passwords: string[];
  inFlight: OwedPush[];
}

/** Turns a step into a command against the current world (undefined when it has nothing to act on). */
const commandFor = (w: World, s: Step): UserCommand | undefined => {
  const base = { commandId: cid('p'), userId: U, at: t(w.minute) };
  const now = owed(w.state, dirs, { now: t(w.minute) });
  switch (s.k) {
    case 'create':
      return {
        ...base,
        type: 'CreateUser',
        state: s.state,
        attributes: { email: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace' },
        by: admin,
        ...(s.pw === null ? {} : { password: Secret.of(s.pw) }),
      };
    case 'activate':
      return { ...base, type: 'ActivateUser', by: admin };
    case 'suspend':
      return { ...base, type: 'SuspendUser', by: admin };
    case 'stage':
      return { ...base, type: 'StageUser', by: admin };
    case 'expire':
      return { ...base, type: 'ExpirePassword', by: admin };
    case 'login':
      return { ...base, type: 'LogIn', password: Secret.of(s.pw) };
    case 'bind':
      return {
        ...base,
        type: 'BindDirectory',
        directoryId: DIRS[s.d] ?? DIRS[0]!,
        by: admin,
        ...(s.key === null ? {} : { externalKey: externalUserKey(`key-${s.key}`) }),
      };
    case 'unbind':
      return { ...base, type: 'UnbindDirectory', directoryId: DIRS[s.d] ?? DIRS[0]!, by: admin };
    case 'unresolved':
      return {
        ...base,
        type: 'MarkExternalAccountUnresolved',
        directoryId: DIRS[s.d] ?? DIRS[0]!,
        reason: 'not-found',
        detail: 'no match',
      };
    case 'link':
      return {
        ...base,
        type: 'LinkExternalAccount',
        directoryId: DIRS[s.d] ?? DIRS[0]!,
        externalKey: externalUserKey(`key-${s.key}`),
        how: 'matched-email',
      };
    case 'rename':
      return { ...base, type: 'ChangeAttributes', changes: { givenName: s.name }, by: admin };
    case 'setPassword':
      return { ...base, type: 'SetPassword', password: Secret.of(s.pw), by: setterOf(s.by) };
    case 'start': {
      const p = pick(now.pushes, s.i);
      return p && { ...base, type: 'RecordPushStarted', push: strip(p) };
    }
    case 'succeed': {
      const p = pick(w.inFlight, s.i);
      return p && { ...base, type: 'RecordPushSucceeded', push: strip(p) };
    }
    case 'fail': {
      const p = pick(w.inFlight, s.i);
      return p && { ...base, type: 'RecordPushFailed', push: strip(p), failure: { class: s.cls, code: 'x', message: 'failed' } };
    }
    case 'notice': {
      const n = pick(now.notices, s.i);
      return (
        n && {
          ...base,
          type: 'RecordNoticeSent',
          noticeId: n.noticeId,
          kind: n.kind,
          ...(n.directoryId === undefined ? {} : { directoryId: n.directoryId }),
        }
      );
    }
    case 'account': {
      const a = pick(now.accountActions, s.i);
      if (a === undefined) return undefined;
      const { lastFailure: _l, ...action } = a;
      return { ...base, type: 'RecordAccountActionSucceeded', action };
    }
    case 'wait':
      return undefined;
  }
};

const apply = (w: World, command: UserCommand): E.Either<unknown, ReadonlyArray<UserEvent>> => {
  const result = userDecider.decide(command, w.state, ctx);
  if (E.isRight(result)) {
    for (const e of result.right) {
      w.state = userDecider.evolve(w.state, e);
      w.events.push(e);
      if (e.type === 'PushStarted') w.inFlight.push({ ...e.data, needsPlaintext: e.data.carriesPassword, lastFailure: null });
    }
  }
  return result;
};

/** Runs the steps, calling `check` after each with the decision made. */
const run = (
  steps: ReadonlyArray<Step>,
  check: (w: World, result: E.Either<unknown, ReadonlyArray<UserEvent>> | undefined) => void = () => undefined,
): World => {
  const w: World = { state: userDecider.initialState, events: [], minute: 0, passwords: [], inFlight: [] };
  for (const s of steps) {
    w.minute += s.k === 'wait' ? s.minutes : 1;
    if ('pw' in s && typeof s.pw === 'string') w.passwords.push(s.pw);
    const command = commandFor(w, s);
    check(w, command === undefined ? undefined : apply(w, command));
  }
  return w;
};

/** Mostly a creation first (so sequences reach pushes), then anything, creation included. */
const steps = fc
  .tuple(fc.option(create, { freq: 8 }), fc.array(step, { minLength: 5, maxLength: 40, size: 'large' }))
  .map(([first, rest]) => (first === null ? rest : [first, ...rest]));
const contains = (haystack: string, pw: string) => haystack.includes(pw) || haystack.includes(JSON.stringify(pw).slice(1, -1));

describe('properties over random command sequences', () => {
  test('the generator reaches the interesting states (so the properties below are not vacuous)', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(steps, (ss) => {
        for (const type of new Set(run(ss).events.map((e) => e.type))) seen.set(type, (seen.get(type) ?? 0) + 1);
      }),
      { numRuns: 300, seed: 42 },
    );
    const types = [
      'PushStarted',
      'PushSucceeded',
      'PushFailed',
      'NoticeSent',
      'UserUnbound',
      'PasswordExpired',
      'ExternalAccountUnresolved',
      'ExternalAccountSuspended',
      'ExternalAccountRestored',
    ];
    const counts = Object.fromEntries(types.map((type) => [type, seen.get(type) ?? 0]));
    expect(Object.entries(counts).filter(([, n]) => n < 3)).toEqual([]);
  });

  test('no serialised event, and no error, ever contains a plaintext password (R14)', () => {
    fc.assert(
      fc.property(steps, (ss) => {
        run(ss, (w, result) => {
          const text = JSON.stringify([w.events, result]);
          for (const pw of w.passwords) expect(contains(text, pw)).toBe(false);
        });
      }),
      { numRuns: 300 },
    );
  });

  test('decide never throws: refusals are Left values', () => {
    fc.assert(
      fc.property(steps, (ss) => {
        expect(() => run(ss)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  test('nothing is owed to a staged or suspended user, nor pushed to a pending or expired password (R7)', () => {
    fc.assert(
      fc.property(steps, (ss) => {
        run(ss, (w) => {
          if (w.state.status === 'absent') return;
          const todo = owed(w.state, dirs, { now: t(w.minute) });
          if (w.state.state !== 'active') expect([todo.pushes, todo.notices]).toEqual([[], []]);
          if (w.state.passwordStatus !== 'active') expect(todo.pushes).toEqual([]);
          if (w.state.passwordStatus === 'expired') expect(todo.notices).toEqual([]);
          if (w.state.passwordStatus === 'pending') expect(todo.notices.every((n) => n.kind === 'activation')).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });

  test("every event's codec round-trips through JSON", () => {
    fc.assert(
      fc.property(steps, (ss) => {
        for (const e of run(ss).events) expect(decodeUserEvent(JSON.parse(JSON.stringify(e)))).toEqual(E.right(e));
      }),
      { numRuns: 200 },
    );
  });

  test('once every owed push is recorded as succeeded, nothing is owed until the next change', () => {
    fc.assert(
      fc.property(steps, (ss) => {
        const w = run(ss);
        w.minute += 10; // past any lease
        for (const p of owed(w.state, dirs, { now: t(w.minute) }).pushes) {
          const base = { userId: U, at: t(w.minute), push: strip(p) };
          expect(E.isRight(apply(w, { ...base, commandId: cid('s'), type: 'RecordPushStarted' }))).toBe(true);
          expect(E.isRight(apply(w, { ...base, commandId: cid('s'), type: 'RecordPushSucceeded' }))).toBe(true);
        }
        expect(owed(w.state, dirs, { now: t(w.minute) }).pushes).toEqual([]);
        // A login, a repeated notice or a wait is not a change.
        w.minute += 10;
        apply(w, { commandId: cid('l'), userId: U, at: t(w.minute), type: 'LogIn', password: Secret.of('Aa1!whatever-it-is') });
        expect(owed(w.state, dirs, { now: t(w.minute) }).pushes).toEqual([]);
        // A change is: every linked, bound, connected directory of a managed user is owed again.
        apply(w, {
          commandId: cid('r'),
          userId: U,
          at: t(w.minute),
          type: 'ChangeAttributes',
          changes: { jobTitle: `Engineer ${w.minute}` },
          by: admin,
        });
        if (w.state.status === 'present' && w.state.state === 'active' && w.state.passwordStatus === 'active') {
          const linked = Object.values(w.state.bindings).filter(
            (b) => b?.bound === true && b.link.status === 'linked' && dirs[b.directoryId] !== undefined,
          );
          expect(owed(w.state, dirs, { now: t(w.minute) }).pushes).toHaveLength(linked.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the fold (evolveUserAll) is the reduce of evolve, and pure', () => {
  test('same state as reducing one event at a time, from any prefix; neither the state folded from nor the events change', () => {
    fc.assert(
      fc.property(steps, fc.nat(), (ss, cut) => {
        const { events } = run(ss);
        const one = events.reduce(evolveUser, userDecider.initialState);
        expect(evolveUserAll(userDecider.initialState, events)).toStrictEqual(one);
        const at = events.length === 0 ? 0 : cut % events.length;
        const prefix = evolveUserAll(userDecider.initialState, events.slice(0, at));
        const before = structuredClone(prefix);
        const eventsBefore = structuredClone(events);
        expect(evolveUserAll(prefix, events.slice(at))).toStrictEqual(one);
        expect(prefix).toStrictEqual(before);
        expect(events).toStrictEqual(eventsBefore);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
