import * as E from 'fp-ts/lib/Either.js';
import { knownQuotas, pacedCall, pacer, pacingFor, systemClock } from '@takeover/engine';
import type { ConnectorError } from '@takeover/connector-kit';

test('known quotas: Google 40/s and Graph 20 writes/s, less a 10% margin; unknown kinds are cautious', () => {
  expect(knownQuotas['google-workspace']?.ratePerSecond).toBe(36);
  expect(knownQuotas['microsoft-entra']?.ratePerSecond).toBe(18);
  expect(pacingFor('scim').ratePerSecond).toBe(10);
  expect(pacingFor('scim', { scim: { ratePerSecond: 5, maxInFlight: 1 } }).ratePerSecond).toBe(5);
});

test('the pacer caps requests in flight and halves its rate on throttling, then climbs back', async () => {
  const p = pacer({ ratePerSecond: 1000, maxInFlight: 3 }, systemClock);
  let inFlight = 0;
  let peak = 0;
  await Promise.all(
    Array.from({ length: 20 }, () =>
      p.schedule(async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight -= 1;
      }),
    ),
  );
  expect(peak).toBe(3);
  p.throttled(undefined);
  expect(p.state().ratePerSecond).toBe(500);
  for (let i = 0; i < 100; i++) p.succeeded();
  expect(p.state().ratePerSecond).toBe(1000);
});

test('pacedCall: permanent and auth failures are not retried; retryable ones are, until success', async () => {
  const p = pacer({ ratePerSecond: 1000, maxInFlight: 2 }, systemClock);
  const permanent: ConnectorError = { _tag: 'permanent', reason: 'not-found', provider: { message: 'gone' } };
  let calls = 0;
  const r1 = await pacedCall(
    p,
    systemClock,
    () => {
      calls += 1;
      return Promise.resolve(E.left(permanent));
    },
    { deadline: Date.now() + 10_000, initialDelayMs: 1 },
  );
  expect([r1, calls]).toEqual([E.left(permanent), 1]);
  calls = 0;
  const r2 = await pacedCall(
    p,
    systemClock,
    () => {
      calls += 1;
      return Promise.resolve(
        calls < 3 ? E.left<ConnectorError, string>({ _tag: 'retryable', reason: 'server', provider: { message: '503' } }) : E.right('ok'),
      );
    },
    { deadline: Date.now() + 10_000, initialDelayMs: 1, maxDelayMs: 5 },
  );
  expect([r2, calls]).toEqual([E.right('ok'), 3]);
});

test('pacedCall: no attempt starts after the deadline', async () => {
  const p = pacer({ ratePerSecond: 1000, maxInFlight: 2 }, systemClock);
  let calls = 0;
  const r = await pacedCall(
    p,
    systemClock,
    () => {
      calls += 1;
      return Promise.resolve(E.left<ConnectorError, string>({ _tag: 'retryable', reason: 'timeout', provider: { message: 'slow' } }));
    },
    { deadline: Date.now() + 30, initialDelayMs: 20, maxDelayMs: 40 },
  );
  expect(E.isLeft(r)).toBe(true);
  expect(calls).toBeLessThan(8);
});

describe('the pacer keeps its schedule', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });
  const setUp = () => {
    let t = 1_000_000;
    const clock = { now: () => t };
    const p = pacer({ ratePerSecond: 10, maxInFlight: 10 }, clock);
    const started: string[] = [];
    const task = (name: string) => () => {
      started.push(name);
      return Promise.resolve(name);
    };
    const advance = (ms: number) => {
      t += ms;
      jest.advanceTimersByTime(ms);
    };
    return { p, started, task, advance };
  };

  test('a request answered at the head of the queue (superseded, hold expired) runs nothing and uses no slot', async () => {
    const { p, started, task, advance } = setUp();
    void p.schedule(task('a'));
    void p.schedule(task('a2')); // an idle pacer allows 100 ms worth at once: one more at 10/s
    const answered = Array.from({ length: 5 }, (_, i) => p.schedule(task(`skipped-${i}`), () => `answered-${i}`));
    void p.schedule(task('b'));
    expect(started).toEqual(['a', 'a2']);
    advance(100); // one slot later (10/s): b, not the five answered ones, takes it
    expect(started).toEqual(['a', 'a2', 'b']);
    expect(await Promise.all(answered)).toEqual([0, 1, 2, 3, 4].map((i) => `answered-${i}`));
  });

  test('a slot started late is made up, so lag does not lower the rate; at most 100 ms worth at once', () => {
    const { p, started, task, advance } = setUp();
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) void p.schedule(task(name));
    expect(started).toEqual(['a', 'b']); // 100 ms worth at once
    advance(150); // c was due at +100 and starts 50 ms late …
    expect(started).toEqual(['a', 'b', 'c']);
    advance(50); // … d is still due at +200
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    advance(1000); // a long stall: e (overdue) and 100 ms worth of catch-up (f), not g
    expect(started).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });
});
