// The messages between the shared-quota scenario (parent) and its engine instances
// (sharedQuotaChild.ts), decoded on both sides with io-ts. No password travels here: the children
// know the bench's fixed test password themselves.
import * as t from 'io-ts';
import { Ready } from './stormProtocol.js';

/** The bench's fixed test password, known to both sides (it never travels over IPC). */
export const SHARED_QUOTA_PASSWORD = 'Shared-Quota-1!bench';

export const Pacing = t.intersection([t.type({ ratePerSecond: t.number, maxInFlight: t.number }), t.partial({ catchUpMs: t.number })]);

export const RunRequest = t.type({
  type: t.literal('run'),
  instance: t.string,
  ready: Ready,
  pg: t.type({ host: t.string, user: t.string, database: t.string, port: t.number }),
  schema: t.string,
  pacing: t.type({ google: Pacing, entra: Pacing }),
  /**
   * The users this instance logs in, each at `startAt + offsetMs`, as the command `commandId` (given
   * by the scenario: a double-click sent to two instances is one command, the same id and time on both).
   */
  logins: t.array(t.type({ user: t.string, offsetMs: t.number, commandId: t.string })),
});
export type RunRequest = t.TypeOf<typeof RunRequest>;

/** Sent once every instance is ready: the storm starts at `startAt` (epoch ms). */
export const Go = t.type({ type: t.literal('go'), startAt: t.number });

export const RunReply = t.union([
  t.type({ type: t.literal('ready') }),
  t.type({
    type: t.literal('done'),
    completed: t.record(t.string, t.number),
    lastPushAt: t.number,
    lastByDirectory: t.record(t.string, t.number),
    loginsDoneAt: t.number,
    throttled: t.number,
    /** Per directory: seconds its queue here was empty between the start and this instance's last push there (no push waiting for a slot). */
    queueEmptySeconds: t.record(t.string, t.number),
    /** The shared budget's reservation round trips seen here (ms). */
    reserveMs: t.array(t.number),
  }),
  t.type({ type: t.literal('error'), message: t.string }),
]);
export type RunReply = t.TypeOf<typeof RunReply>;
