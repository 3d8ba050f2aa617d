import type { DirectoryId, IsoTime, PushDescription, PushFailure, UserId } from '@takeover/core';
import type { ReadModel, Recorded } from './events.js';
import { directoryLabels } from './directoryLabels.js';
import { externalChangeWords, whoInDirectory, whoOfRecorded } from './words.js';

/** One event in the chain that caused a push. */
export interface Cause {
  readonly eventId: string;
  readonly type: string;
  readonly at: IsoTime;
  /** Who did it, in the one form `whoDidIt` writes (`admin@example.com (admin)`); for a change outside the portal, `whoInDirectory`. */
  readonly by?: string;
  /** e.g. `jobTitle, department` for a profile change; for a change outside the portal, `externalChangeWords`' first half. */
  readonly detail?: string;
  /** A change outside the portal (`ExternalPasswordChangeDetected`): when the directory says it was made. */
  readonly changedAt?: IsoTime;
}

export interface PushExplanation {
  readonly push: PushDescription;
  /** The changes that made the push owed, oldest first (since the last successful push to that directory). */
  readonly causes: ReadonlyArray<Cause>;
  /** The login (or portal password change) whose plaintext carried it. */
  readonly carriedBy?: Cause;
  readonly startedAt?: IsoTime;
  readonly outcome?:
    | { readonly status: 'succeeded'; readonly at: IsoTime }
    | { readonly status: 'failed'; readonly at: IsoTime; readonly failure: PushFailure };
}

/** "Why" as a query port: in memory (`whyView()`) or in SQLite / PostgreSQL tables kept by a projection. */
export interface WhyView {
  /** "Why was Alice logged out of Teams on Tuesday?": the push, what caused it and which login carried it. */
  readonly why: (pushId: string) => Promise<PushExplanation | undefined>;
  /** The user's pushes (to one directory, or all), in the order they started. */
  readonly pushesOf: (userId: UserId, directoryId?: DirectoryId) => Promise<ReadonlyArray<PushExplanation>>;
}

/** One event of a user's history that a push may be explained by. */
export interface WhyHistoryItem extends Cause {
  readonly recordVersion?: number;
  readonly directoryId?: DirectoryId;
  readonly generation?: number;
}

/** The history item an event adds for its user (a change, a binding, a login), if any; `label` names a directory. */
export const whyHistoryItem = (r: Recorded, label: (id: DirectoryId) => string = (id) => id): WhyHistoryItem | undefined => {
  const e = r.event;
  if (!('userId' in e.data)) return undefined;
  const by = 'by' in e.data ? whoOfRecorded(e.data.by) : undefined;
  const base = { eventId: r.id, type: e.type, at: e.data.at, ...(by === undefined ? {} : { by }) };
  switch (e.type) {
    case 'UserCreated':
      return { ...base, recordVersion: 1 };
    case 'PasswordSet':
      return { ...base, recordVersion: e.data.recordVersion };
    case 'AttributesChanged':
      return { ...base, recordVersion: e.data.recordVersion, detail: [...Object.keys(e.data.changed), ...e.data.cleared].join(', ') };
    case 'UserBound':
    case 'ExternalAccountLinked':
      return { ...base, directoryId: e.data.directoryId, generation: e.data.generation };
    case 'PortalLogin':
      return base;
    // R16: the password was changed in the directory outside the portal; a push with reason `external-change` sets it back.
    case 'ExternalPasswordChangeDetected': {
      const where = label(e.data.directoryId);
      const { by: _by, ...rest } = base;
      return {
        ...rest,
        ...(e.data.by === undefined ? {} : { by: whoInDirectory(e.data.by, where) }),
        directoryId: e.data.directoryId,
        generation: e.data.generation,
        changedAt: e.data.changedAt,
        detail: externalChangeWords({ directory: where, changedAt: e.data.changedAt }),
      };
    }
    default:
      return undefined;
  }
};

/**
 * Explains a `PushStarted` from the user's history so far: the changes after `since` (the record
 * version last pushed there successfully) up to the push's, the binding for a takeover or rebind,
 * and the login whose event id is the push's correlation id.
 */
export const explainPush = (r: Recorded, history: ReadonlyArray<WhyHistoryItem>, since: number): PushExplanation | undefined => {
  const e = r.event;
  if (e.type !== 'PushStarted') return undefined;
  const { at: _at, ...push } = e.data;
  const binding = push.reason === 'takeover' || push.reason === 'rebind';
  const detected = (s: WhyHistoryItem) =>
    s.type === 'ExternalPasswordChangeDetected' && s.directoryId === push.directoryId && s.generation === push.generation;
  // R16: the latest change outside the portal there is what a set-back push answers.
  const outside = push.reason === 'external-change' ? history.filter(detected).at(-1) : undefined;
  const causes = history.filter(
    (s) =>
      (s.recordVersion !== undefined && s.recordVersion > since && s.recordVersion <= push.recordVersion) ||
      (binding && !detected(s) && s.directoryId === push.directoryId && s.generation === push.generation) ||
      s === outside,
  );
  const carrier = history.find((s) => s.eventId === e.metadata?.correlationId);
  return {
    push,
    causes: causes.map(({ recordVersion: _r, directoryId: _d, generation: _g, ...c }) => c),
    ...(carrier === undefined ? {} : { carriedBy: { eventId: carrier.eventId, type: carrier.type, at: carrier.at } }),
    startedAt: e.data.at,
  };
};

/** Explains each push from the user's own history: the changes since the last successful push there, the binding, the carrying login. In memory. */
export const whyView = (): WhyView & ReadModel => {
  const history = new Map<UserId, WhyHistoryItem[]>();
  const pushed = new Map<string, number>(); // `${userId}/${directoryId}` → record version last pushed successfully
  const pushes = new Map<string, PushExplanation>();
  const seen = new Set<string>();
  const labels = directoryLabels();
  return {
    apply: (events: ReadonlyArray<Recorded>) => {
      for (const r of events) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        labels.observe(r);
        const e = r.event;
        if (!('userId' in e.data)) continue;
        const userId = e.data.userId;
        const list = history.get(userId) ?? [];
        history.set(userId, list);
        const item = whyHistoryItem(r, labels.label);
        if (item !== undefined) list.push(item);
        switch (e.type) {
          case 'PushStarted': {
            if (pushes.has(e.data.pushId)) break;
            const p = explainPush(r, list, pushed.get(`${userId}/${e.data.directoryId}`) ?? 0);
            if (p !== undefined) pushes.set(e.data.pushId, p);
            break;
          }
          case 'PushSucceeded': {
            pushed.set(
              `${userId}/${e.data.directoryId}`,
              Math.max(pushed.get(`${userId}/${e.data.directoryId}`) ?? 0, e.data.recordVersion),
            );
            const p = pushes.get(e.data.pushId);
            if (p !== undefined) pushes.set(e.data.pushId, { ...p, outcome: { status: 'succeeded', at: e.data.at } });
            break;
          }
          case 'PushFailed': {
            const p = pushes.get(e.data.pushId);
            if (p !== undefined) pushes.set(e.data.pushId, { ...p, outcome: { status: 'failed', at: e.data.at, failure: e.data.failure } });
            break;
          }
          default:
            break;
        }
      }
    },
    why: (pushId) => Promise.resolve(pushes.get(pushId)),
    pushesOf: (userId, directoryId) =>
      Promise.resolve(
        [...pushes.values()].filter((p) => p.push.userId === userId && (directoryId === undefined || p.push.directoryId === directoryId)),
      ),
  };
};
