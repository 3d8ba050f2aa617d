// The messages between the login storm (parent) and its directories' process (emulatorsChild.ts),
// decoded on both sides with io-ts.
import * as t from 'io-ts';

const Quota = t.type({ limit: t.number, windowSeconds: t.number });

export const StartRequest = t.type({
  type: t.literal('start'),
  names: t.array(t.string),
  seedPassword: t.string,
  google: t.type({ perUser: Quota }),
  entra: t.type({ appTenantWrites: Quota, tenantWrites: Quota }),
});
export type StartRequest = t.TypeOf<typeof StartRequest>;

export const ChildRequest = t.union([
  t.type({ type: t.literal('stats'), since: t.number, warmUpMs: t.number }),
  t.type({ type: t.literal('passwords'), twice: t.array(t.number), first: t.string, second: t.string }),
  t.type({ type: t.literal('close') }),
]);
export type ChildRequest = t.TypeOf<typeof ChildRequest>;

export const StormStats = t.type({
  admitted: t.number,
  throttledAfterWarmUp: t.number,
  throttledTotal: t.number,
  lastAdmittedAt: t.number,
  serverMsP50: t.number,
  serverMsP99: t.number,
});
export type StormStats = t.TypeOf<typeof StormStats>;

export const Ready = t.type({
  type: t.literal('ready'),
  google: t.type({ serviceAccountJson: t.string, adminEmail: t.string, url: t.string, tokenUrl: t.string, domain: t.string }),
  entra: t.type({
    tenantId: t.string,
    clientId: t.string,
    clientSecret: t.string,
    authorityHost: t.string,
    graphBaseUrl: t.string,
    caPem: t.string,
    domain: t.string,
  }),
  googleIds: t.array(t.string),
  entraIds: t.array(t.string),
});
export type Ready = t.TypeOf<typeof Ready>;

export const ChildReply = t.union([
  Ready,
  t.type({ type: t.literal('stats'), google: StormStats, entra: StormStats }),
  t.type({ type: t.literal('passwords'), notLatest: t.number, olderWins: t.number }),
  t.type({ type: t.literal('closed') }),
  t.type({ type: t.literal('error'), message: t.string }),
]);
export type ChildReply = t.TypeOf<typeof ChildReply>;
