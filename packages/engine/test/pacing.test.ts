import * as E from 'fp-ts/lib/Either.js';
import type { DirectoryId } from '@takeover/core';
import type { Pacer, SharedBudget } from '@takeover/engine';
import { BUDGET_RETRY_MS, knownQuotas, pacedCall, pacer, PacerClosed, pacingFor, sharedPacer, systemClock } from '@takeover/engine';
import type { ConnectorError } from '@takeover/connector-kit';

test('known quotas: Google 40/s and Graph 20 writes/s, less a 10% margin; unknown kinds are cautious', () => {
  expect(knownQuotas['google-workspace']?.ratePerSecond).toBe(36);
  expect(knownQuotas['microsoft-entra']?.ratePerSecond).toBe(18);
  // Their windows (60 s, 150 s) take a second's make-up: 90 % of the window plus one second's worth stays under the quota.
  for (const [kind, windowSeconds, quota] of [
    ['google-workspace', 60, 2_400],
    ['microsoft-entra', 150, 3_000],
  ] as const) {
    const p = knownQuotas[kind];
    expect(p?.catchUpMs).toBe(1_000);
    expect((p?.ratePerSecond ?? 0) * (windowSeconds + (p?.catchUpMs ?? 0) / 1000)).toBeLessThan(quota);
  }
  expect(pacingFor('scim').catchUpMs).toBeUndefined();
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

test('pacedCall: the background window starts when the first attempt gets its slot, not when the call was queued (issue 13)', async () => {
  // A queue 3 minutes long (a bulk import ahead), then a 503, then success: the 2-minute window is for retrying.
  let nowMs = Date.parse('2026-12-01T00:00:00Z');
  const clock = { now: () => nowMs };
  /** A pacer whose queue makes each request wait the next of `waits` (on the fake clock) for its slot. */
  const queued = (waits: number[]): Pacer => ({
    ...pacer({ ratePerSecond: 1000, maxInFlight: 1 }, clock),
    schedule: (task) => {
      nowMs += waits.shift() ?? 0;
      return task();
    },
  });
  const answers = () => {
    let calls = 0;
    return {
      calls: () => calls,
      call: () => {
        calls += 1;
        return Promise.resolve(
          calls === 1
            ? E.left<ConnectorError, string>({ _tag: 'retryable', reason: 'server', provider: { message: '503' } })
            : E.right('ok'),
        );
      },
    };
  };
  const windowed = answers();
  expect(await pacedCall(queued([180_000, 1_000]), clock, windowed.call, { windowMs: 120_000, initialDelayMs: 1, maxDelayMs: 2 })).toEqual(
    E.right('ok'),
  );
  expect(windowed.calls()).toBe(2);
  // What a deadline fixed at enqueue did: the queue used the whole window, the 503 was the call's only attempt.
  const fixed = answers();
  const r = await pacedCall(queued([180_000, 1_000]), clock, fixed.call, { deadline: nowMs + 120_000, initialDelayMs: 1, maxDelayMs: 2 });
  expect(E.isLeft(r)).toBe(true);
  expect(fixed.calls()).toBe(1);
});

describe('the pacer keeps its schedule', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });
  // These tests are about the schedule, so the first call does not run alone (its own tests below).
  const setUp = () => {
    let t = 1_000_000;
    const clock = { now: () => t };
    const p = pacer({ ratePerSecond: 10, maxInFlight: 10, firstCallAlone: false }, clock);
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

  test('catchUpMs: a pacer allowed a second makes up a whole second of stall, and no more; the rate over the stall is kept', () => {
    let t = 1_000_000;
    const clock = { now: () => t };
    const started: number[] = [];
    const p = pacer({ ratePerSecond: 10, maxInFlight: 100, catchUpMs: 1_000, firstCallAlone: false }, clock);
    for (let i = 0; i < 60; i++)
      void p.schedule(() => {
        started.push(i);
        return Promise.resolve(i);
      });
    expect(started).toHaveLength(11); // idle: a second's worth at once (and the slot due now)
    const advance = (ms: number) => {
      t += ms;
      jest.advanceTimersByTime(ms);
    };
    advance(1_000); // on schedule: 10 more
    expect(started).toHaveLength(21);
    // A stall of 1.5 s with the timer not firing (the event loop busy): the first 1 s is made up, 0.5 s forfeited.
    t += 1_500;
    jest.advanceTimersByTime(0);
    jest.runOnlyPendingTimers();
    expect(started).toHaveLength(21 + 11);
    advance(1_000);
    expect(started).toHaveLength(21 + 11 + 10);
    // The same stall with the default (100 ms) makes up one slot of it.
    const q = pacer({ ratePerSecond: 10, maxInFlight: 100, firstCallAlone: false }, clock);
    const qStarted: number[] = [];
    for (let i = 0; i < 40; i++)
      void q.schedule(() => {
        qStarted.push(i);
        return Promise.resolve(i);
      });
    expect(qStarted).toHaveLength(2);
    t += 1_500;
    jest.runOnlyPendingTimers();
    expect(qStarted).toHaveLength(2 + 2);
  });

  test('catchUpMs must be a non-negative number', () => {
    expect(() => pacer({ ratePerSecond: 10, maxInFlight: 1, catchUpMs: -1 }, { now: () => 0 })).toThrow(/catchUpMs/);
  });
});

describe('a cold instance: the first call to a directory runs alone', () => {
  // The connector's first call fetches its access token (and opens the connection); the calls behind
  // it wait on that token. Modelled here: a call "arrives" at the directory once the token is there.
  // In the shared-quota bench, the Graph calls of the first nine slots arrived together when the
  // token came, ~1 s after the first slot, and a one-second bucket of 10 was down to 1.3.
  const world = () => {
    let t = 1_000_000;
    let tokenAt: number | undefined;
    const tokenWaiters: Array<() => void> = [];
    const arrivals: number[] = [];
    const call = async (): Promise<string> => {
      if (tokenAt === undefined) await new Promise<void>((resolve) => tokenWaiters.push(resolve));
      arrivals.push(t);
      return 'ok';
    };
    const advance = async (ms: number) => {
      await jest.advanceTimersByTimeAsync(0);
      for (let i = 0; i < ms; i++) {
        t += 1;
        await jest.advanceTimersByTimeAsync(1);
      }
    };
    const tokenArrives = async () => {
      tokenAt = t;
      for (const w of tokenWaiters.splice(0)) w();
      await advance(0);
    };
    return { clock: { now: () => t }, call, advance, tokenArrives, arrivals };
  };
  /**
   * Twenty calls scheduled at once on a cold pacer; the token takes a second and a half. `seen` is
   * read while the token is awaited. Returns it, how many calls arrived, and how many of them the
   * bucket refused.
   */
  const coldStart = async <T>(w: ReturnType<typeof world>, p: Pacer, seen: () => T) => {
    const done = Promise.all(Array.from({ length: 20 }, () => p.schedule(w.call)));
    await w.advance(1_500);
    const whileWaiting = seen();
    await w.tokenArrives();
    await w.advance(3_000);
    await done;
    return { whileWaiting, arrived: w.arrivals.length, refused: refusedByBucket(w.arrivals) };
  };
  /** Calls a directory's one-second bucket of 10 (refilled at 10/s, as the emulators count Graph's writes in the bench) refuses. */
  const refusedByBucket = (arrivals: number[]): number => {
    let tokens = 10;
    let at = arrivals[0] ?? 0;
    let refused = 0;
    for (const a of arrivals) {
      tokens = Math.min(10, tokens + ((a - at) * 10) / 1000);
      at = a;
      if (tokens >= 1) tokens -= 1;
      else refused += 1;
    }
    return refused;
  };

  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('in-process pacer: nothing else starts until the first call has ended; without it, the slots that passed meanwhile arrive at once', async () => {
    for (const firstCallAlone of [true, false]) {
      const w = world();
      const p = pacer({ ratePerSecond: 9, maxInFlight: 16, firstCallAlone }, w.clock);
      const { whileWaiting: inFlight, arrived, refused } = await coldStart(w, p, () => p.state().inFlight);
      expect(arrived).toBe(20);
      // Alone: the first call, then a tenth of a second's catch-up (one slot), then 9/s. Not alone:
      // the slots of a second and a half at once, more than the bucket holds.
      if (firstCallAlone) expect([inFlight, refused]).toEqual([1, 0]);
      else expect([inFlight > 10, refused > 0]).toEqual([true, true]);
    }
  });

  test('in front of a shared budget: no slot is reserved beside the first call, so none passes while it waits for its token', async () => {
    for (const firstCallAlone of [true, false]) {
      const w = world();
      // The budget's schedule: one slot every 111 ms (9/s), catching up 100 ms at most, as the PostgreSQL budget does.
      let nextSlot = 0;
      let reservations = 0;
      const budget: SharedBudget = {
        reserve: () => {
          reservations += 1;
          const now = w.clock.now();
          const at = Math.max(nextSlot, now - 100);
          nextSlot = at + 1000 / 9;
          return Promise.resolve({ waitMs: Math.max(0, at - now), ratePerSecond: 9 });
        },
        throttled: () => Promise.resolve(),
      };
      const p = sharedPacer(directory, { ratePerSecond: 9, maxInFlight: 16, firstCallAlone }, budget, w.clock, logger);
      const { whileWaiting, arrived, refused } = await coldStart(w, p, () => [p.state().inFlight, reservations] as const);
      expect(arrived).toBe(20);
      if (firstCallAlone) expect([...whileWaiting, refused]).toEqual([1, 1, 0]);
      else expect([whileWaiting[0] > 10, refused > 0]).toEqual([true, true]);
    }
  });
});

test('a first call that fails warms the pacer too (its token or connection is settled either way)', async () => {
  const p = pacer({ ratePerSecond: 1000, maxInFlight: 4 }, systemClock);
  await expect(p.schedule(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
  let inFlight = 0;
  let peak = 0;
  await Promise.all(
    Array.from({ length: 8 }, () =>
      p.schedule(async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight -= 1;
      }),
    ),
  );
  expect(peak).toBe(4);
});

const directory = 'dir' as DirectoryId;
const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('the pacer in front of a shared budget', () => {
  test('the next slot is asked for while the current one is waited out: two held at most, never more than requests waiting, no call before its slot', async () => {
    jest.useFakeTimers();
    try {
      let t = 1_000_000;
      const clock = { now: () => t };
      // The budget's schedule: one slot every 500 ms from the first ask, as a database would hand them out.
      let nextSlot = t;
      const asked: number[] = [];
      const budget: SharedBudget = {
        reserve: () => {
          asked.push(t);
          const at = Math.max(nextSlot, t);
          nextSlot = at + 500;
          return Promise.resolve({ waitMs: at - t, ratePerSecond: 2 });
        },
        throttled: () => Promise.resolve(),
      };
      const p = sharedPacer(directory, { ratePerSecond: 2, maxInFlight: 10 }, budget, clock, logger);
      const started: Array<[string, number]> = [];
      const task = (name: string) => () => {
        started.push([name, t]);
        return Promise.resolve(name);
      };
      // The clock moves with the timers, a millisecond at a time.
      const advance = async (ms: number) => {
        await jest.advanceTimersByTimeAsync(0);
        for (let i = 0; i < ms; i++) {
          t += 1;
          await jest.advanceTimersByTimeAsync(1);
        }
      };
      void p.schedule(task('a'));
      void p.schedule(task('b'));
      void p.schedule(task('c'));
      await advance(0);
      // a's slot (now) started a; b's slot (+500) is held and c's (+1000) asked for already, while b's is waited out.
      expect(started).toEqual([['a', 1_000_000]]);
      expect(asked).toEqual([1_000_000, 1_000_000, 1_000_000]);
      await advance(499);
      expect(started).toHaveLength(1); // no call before its slot
      await advance(1);
      expect(started).toEqual([
        ['a', 1_000_000],
        ['b', 1_000_500],
      ]);
      await advance(500);
      expect(started.map(([n]) => n)).toEqual(['a', 'b', 'c']);
      expect(asked).toHaveLength(3); // nothing left waiting: no slot asked for without a request
      // A longer queue: two held at most.
      for (const n of ['d', 'e', 'f', 'g']) void p.schedule(task(n));
      await advance(0);
      expect(asked).toHaveLength(3 + 2);
      await advance(2_000);
      expect(started.map(([n]) => n)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
      const gaps = started.slice(1).map(([, at], i) => at - (started[i]?.[1] ?? 0));
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(500);
    } finally {
      jest.useRealTimers();
    }
  });

  test('no call starts without a slot: an unreachable budget is asked again until it answers', async () => {
    let refusals = 2;
    let reservations = 0;
    const budget: SharedBudget = {
      reserve: () => {
        reservations += 1;
        if (refusals > 0) {
          refusals -= 1;
          return Promise.reject(new Error('connection refused'));
        }
        return Promise.resolve({ waitMs: 0, ratePerSecond: 10 });
      },
      throttled: () => Promise.resolve(),
    };
    const p = sharedPacer(directory, { ratePerSecond: 10, maxInFlight: 2 }, budget, systemClock, logger);
    let calls = 0;
    await p.schedule(() => {
      calls += 1;
      return Promise.resolve('sent');
    });
    expect({ calls, reservations }).toEqual({ calls: 1, reservations: 3 });
  });

  test('a request abandoned while its slot came round hands the slot to the next in line; successes ride on the next reservation; throttling is shared', async () => {
    const earned: number[] = [];
    const throttles: Array<number | undefined> = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const budget: SharedBudget = {
      reserve: async (_d, _p, successes) => {
        earned.push(successes);
        if (earned.length === 2) await gate; // the second reservation waits until the head is abandoned
        return { waitMs: 0, ratePerSecond: 10 };
      },
      throttled: (_d, _p, ms) => {
        throttles.push(ms);
        return Promise.resolve();
      },
    };
    const p = sharedPacer(directory, { ratePerSecond: 10, maxInFlight: 4 }, budget, systemClock, logger);
    const first = p.schedule(() => Promise.resolve('first'));
    await first;
    p.succeeded();
    let abandoned = false;
    const second = p.schedule(
      () => Promise.resolve('second'),
      () => (abandoned ? 'abandoned' : undefined),
    );
    const third = p.schedule(() => Promise.resolve('third'));
    abandoned = true;
    release();
    expect(await Promise.all([second, third])).toEqual(['abandoned', 'third']);
    expect(earned).toEqual([0, 1]); // two slots for two calls (the abandoned one used none); the success reported with the next reservation
    p.throttled(2_000);
    expect(throttles).toEqual([2_000]);
    expect(p.state().ratePerSecond).toBe(5);
  });

  test('closed, it asks an unreachable budget no more: the waiting request is refused, no timer is left, and a request after close is refused at once', async () => {
    // The leak this closes: a test ended its pool while a reservation was being retried, and the
    // pacer asked the closed pool every second for ever, holding the process open after the run.
    jest.useFakeTimers();
    try {
      let reservations = 0;
      const budget: SharedBudget = {
        reserve: () => {
          reservations += 1;
          return Promise.reject(new Error('Cannot use a pool after calling end on the pool'));
        },
        throttled: () => Promise.resolve(),
      };
      const p = sharedPacer(directory, { ratePerSecond: 10, maxInFlight: 2 }, budget, systemClock, logger);
      let calls = 0;
      const waiting = p.schedule(() => {
        calls += 1;
        return Promise.resolve('sent');
      });
      const superseded = p.schedule(
        () => Promise.resolve('sent'),
        () => 'superseded',
      );
      await jest.advanceTimersByTimeAsync(2 * BUDGET_RETRY_MS);
      expect(reservations).toBe(3); // asked, then again after each retry wait
      p.close();
      await expect(waiting).rejects.toBeInstanceOf(PacerClosed);
      await expect(superseded).resolves.toBe('superseded'); // answered by its unlessNow, as at the head of the queue
      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(10 * BUDGET_RETRY_MS);
      expect({ calls, reservations, depth: p.depth() }).toEqual({ calls: 0, reservations: 3, depth: 0 });
      await expect(p.schedule(() => Promise.resolve('late'))).rejects.toBeInstanceOf(PacerClosed);
      expect(reservations).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });
});

test('the in-process pacer, closed: a request waiting for its slot is refused, its timer cleared, and nothing starts after', async () => {
  jest.useFakeTimers();
  try {
    const p = pacer({ ratePerSecond: 1, maxInFlight: 4, firstCallAlone: false }, systemClock);
    const started: string[] = [];
    const task = (name: string) => () => {
      started.push(name);
      return Promise.resolve(name);
    };
    const first = p.schedule(task('first'));
    const second = p.schedule(task('second')); // one second behind the first
    await expect(first).resolves.toBe('first');
    expect(jest.getTimerCount()).toBe(1);
    p.close();
    await expect(second).rejects.toBeInstanceOf(PacerClosed);
    expect(jest.getTimerCount()).toBe(0);
    await expect(p.schedule(task('late'))).rejects.toBeInstanceOf(PacerClosed);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(started).toEqual(['first']);
  } finally {
    jest.useRealTimers();
  }
});
