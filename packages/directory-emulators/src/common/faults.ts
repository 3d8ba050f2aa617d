// Fault injection: the next `times` requests whose method and path match fail with a status and
// provider reason, wait `latencyMs` first, or have their connection dropped.
import * as t from 'io-ts';

export const FaultSpec = t.intersection([
  t.type({
    /** A path prefix (decoded, without the query), e.g. `/admin/directory/v1/users`; `*` matches any. */
    path: t.string,
  }),
  t.partial({
    method: t.string,
    /** How many matching requests it applies to (default 1). */
    times: t.number,
    status: t.number,
    /** Google: an error reason (`backendError`, `rateLimitExceeded`, …). Graph: an error code. */
    reason: t.string,
    message: t.string,
    retryAfterSeconds: t.number,
    latencyMs: t.number,
    drop: t.boolean,
    /**
     * The request is served (its change applied), then the answer is held back this long: a client
     * with a shorter timeout gives up although the change landed (an ambiguous outcome).
     */
    answerAfterMs: t.number,
    /** The request is served (its change applied), then the connection is dropped instead of answering. */
    dropAnswer: t.boolean,
    /**
     * With `status`: the error message quotes the password the request tried to set, as careless
     * services do, so a test can prove the client scrubs provider text.
     */
    echoPassword: t.boolean,
  }),
]);
export type FaultSpec = t.TypeOf<typeof FaultSpec>;

export interface ActiveFault {
  readonly id: number;
  readonly spec: FaultSpec;
  readonly remaining: number;
}

export interface FaultRegistry {
  readonly add: (spec: FaultSpec) => number;
  readonly clear: () => void;
  readonly list: () => ReadonlyArray<ActiveFault>;
  /** The first active fault matching the request, consuming one of its uses. */
  readonly take: (method: string, path: string) => FaultSpec | undefined;
}

export const faultRegistry = (): FaultRegistry => {
  let next = 1;
  let active: Array<{ id: number; spec: FaultSpec; remaining: number }> = [];
  return {
    add: (spec) => {
      const id = next++;
      active.push({ id, spec, remaining: spec.times ?? 1 });
      return id;
    },
    clear: () => {
      active = [];
    },
    list: () => active.map((f) => ({ ...f })),
    take: (method, path) => {
      const f = active.find(
        (a) =>
          a.remaining > 0 &&
          (a.spec.method === undefined || a.spec.method.toUpperCase() === method.toUpperCase()) &&
          (a.spec.path === '*' || path.startsWith(a.spec.path)),
      );
      if (f === undefined) return undefined;
      f.remaining -= 1;
      active = active.filter((a) => a.remaining > 0);
      return f.spec;
    },
  };
};
