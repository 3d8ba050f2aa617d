import { Secret, userId } from '@takeover/core';
import { plaintextHold } from '@takeover/engine';

const clockAt = (start: number) => {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
};

test('the hold keeps one plaintext per user, the newest password wins, and an older one is refused', () => {
  const hold = plaintextHold(clockAt(0), { holdMs: 1000 });
  const u = userId('ada');
  const v2 = Secret.of('two');
  expect(hold.put(u, { secret: v2, passwordVersion: 2, moment: 'portal-login' })).toBe(true);
  expect(hold.put(u, { secret: Secret.of('one'), passwordVersion: 1, moment: 'portal-login' })).toBe(false);
  expect(hold.get(u)?.secret).toBe(v2);
  expect(hold.size()).toBe(1);
  hold.clear();
});

test('the hold is bounded in count and in time', () => {
  const clock = clockAt(0);
  const hold = plaintextHold(clock, { holdMs: 1000, maxEntries: 2 });
  expect(hold.put(userId('a'), { secret: Secret.of('a'), passwordVersion: 1, moment: 'portal-login' })).toBe(true);
  expect(hold.put(userId('b'), { secret: Secret.of('b'), passwordVersion: 1, moment: 'portal-login' })).toBe(true);
  expect(hold.put(userId('c'), { secret: Secret.of('c'), passwordVersion: 1, moment: 'portal-login' })).toBe(false);
  clock.advance(1000);
  expect(hold.get(userId('a'))).toBeUndefined();
  expect(hold.size()).toBe(1);
  hold.clear();
  expect(hold.size()).toBe(0);
});

test("a password change right after a login keeps the login's reach (R3 was met by the login)", () => {
  const hold = plaintextHold(clockAt(0));
  const u = userId('ada');
  hold.put(u, { secret: Secret.of('one'), passwordVersion: 1, moment: 'portal-login' });
  hold.put(u, { secret: Secret.of('two'), passwordVersion: 2, moment: 'portal-password-change' });
  expect(hold.get(u)).toMatchObject({ passwordVersion: 2, moment: 'portal-login' });
  hold.clear();
});

test('a hold stretched for a long queue keeps the plaintext longer, never past maxHoldMs, and only for the same password', () => {
  const clock = clockAt(0);
  const hold = plaintextHold(clock, { holdMs: 1000, maxHoldMs: 2500 });
  const u = userId('ada');
  hold.put(u, { secret: Secret.of('one'), passwordVersion: 1, moment: 'portal-login' });
  expect(hold.extend(u, 2, 2000)).toBeUndefined(); // another password: nothing stretched
  expect(hold.extend(u, 1, 2000)).toBe(2000);
  expect(hold.extend(u, 1, 1500)).toBe(2000); // never shortened
  expect(hold.extend(u, 1, 9000)).toBe(2500); // bounded from the moment it arrived
  clock.advance(2400);
  expect(hold.get(u)?.deadline).toBe(2500);
  clock.advance(100);
  expect(hold.get(u)).toBeUndefined();
  hold.clear();
});
