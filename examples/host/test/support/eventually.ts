// Waiting for what the host does behind a request (pushes, mails, jobs, sweeps): one `eventually`
// for every host test. It polls a condition, never sleeps as synchronisation, and does not depend on
// the machine's speed: its bound is a generous one against a hang only, and the test's own (jest)
// timeout usually ends a wait that never comes true first. Either way the failure names what was
// awaited and the last value seen:
//
//   const mails = await eventually('two mails to ada', () => mailsTo(ada), (m) => m.length === 2);
//   await eventually('ada in sync', async () => (await userOf(ada)).state === 'in-sync');
//
// Without a condition, the probe's value is the answer once it is neither `undefined` nor `false`.
// A probe that throws fails the wait at once (an assertion inside a probe means what it says).

export interface EventuallyOptions {
  /** Against a hang only; the test's timeout normally comes first. */
  readonly boundMs?: number;
  /** Between two probes. */
  readonly everyMs?: number;
}

const BOUND_MS = 300_000;
const EVERY_MS = 100;

/** What was being awaited when a test ended (timed out): reported, and the polling stopped. */
const pending = new Map<number, { readonly what: string; readonly since: number; last: unknown; abandoned: boolean }>();
let nextId = 0;

/** JSON (cut at 2,000 characters) where it can be, else the value's tag. */
const show = (value: unknown): string => {
  if (value === undefined) return 'undefined';
  let json: string | undefined; // JSON.stringify gives undefined for a function or a symbol
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  const text = json ?? Object.prototype.toString.call(value);
  return text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text;
};

const failure = (what: string, since: number, last: unknown): Error =>
  new Error(`eventually: still waiting for ${what} after ${String(Math.round((Date.now() - since) / 1000))} s; last value: ${show(last)}`);

const isValue = (v: unknown): boolean => v !== undefined && v !== false;

/** Polls `probe` until `done(value)` holds and resolves with that value. */
export function eventually<V>(
  what: string,
  probe: () => V | Promise<V>,
  done: (value: V) => boolean,
  options?: EventuallyOptions,
): Promise<V>;
/** Polls `probe` until it gives a value other than `undefined` or `false`, and resolves with it. */
export function eventually<V>(
  what: string,
  probe: () => V | Promise<V>,
  options?: EventuallyOptions,
): Promise<Exclude<V, undefined | false>>;
export async function eventually<V>(
  what: string,
  probe: () => V | Promise<V>,
  doneOrOptions?: ((value: V) => boolean) | EventuallyOptions,
  maybeOptions?: EventuallyOptions,
): Promise<V> {
  const done = typeof doneOrOptions === 'function' ? doneOrOptions : isValue;
  const options = (typeof doneOrOptions === 'function' ? maybeOptions : doneOrOptions) ?? {};
  const id = (nextId += 1);
  const wait = { what, since: Date.now(), last: undefined as unknown, abandoned: false };
  pending.set(id, wait);
  try {
    const until = wait.since + (options.boundMs ?? BOUND_MS);
    for (;;) {
      const value = await probe();
      wait.last = value;
      if (done(value)) return value;
      if (wait.abandoned) throw failure(what, wait.since, value);
      if (Date.now() > until) throw failure(what, wait.since, value);
      await new Promise((r) => setTimeout(r, options.everyMs ?? EVERY_MS));
    }
  } finally {
    pending.delete(id);
  }
}

/** After each test (and the file): a wait still pending means the test timed out in it; say what it waited for. */
const reportAbandoned = (): void => {
  const left = [...pending.values()];
  for (const wait of left) wait.abandoned = true;
  pending.clear();
  if (left.length > 0) throw new Error(left.map((w) => failure(w.what, w.since, w.last).message).join('\n'));
};
if (typeof afterEach === 'function' && typeof afterAll === 'function') {
  afterEach(reportAbandoned);
  afterAll(reportAbandoned);
}
