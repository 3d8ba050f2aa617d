import type { DirectoryId, IsoTime, PushDescription, PushFailure, UserId } from '@takeover/core';
import type { ReadModel, Recorded } from './events.js';

/** One event in the chain that caused a push. */
export interface Cause {
  readonly eventId: string;
  readonly type: string;
  readonly at: IsoTime;
  readonly by?: string;
  /** e.g. `jobTitle, department` for a profile change, `version 3` for a password. */
  readonly detail?: string;
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

export interface WhyView extends ReadModel {
  /** "Why was Alice logged out of Teams on Tuesday?": the push, what caused it and which login carried it. */
  readonly why: (pushId: string) => PushExplanation | undefined;
  readonly pushesOf: (userId: UserId, directoryId?: DirectoryId) => ReadonlyArray<PushExplanation>;
}

interface Summary extends Cause {
  readonly recordVersion?: number;
  readonly directoryId?: DirectoryId;
  readonly generation?: number;
}

const actor = (by: unknown): string | undefined => {
  if (typeof by === 'string') return by;
  if (typeof by !== 'object' || by === null || !('role' in by)) return undefined;
  const { role, id } = by as { readonly role: string; readonly id?: string };
  return id === undefined ? role : `${role}:${id}`;
};

/** Explains each push from the user's own history: the changes since the last successful push there, the binding, the carrying login. */
export const whyView = (): WhyView => {
  const history = new Map<UserId, Summary[]>();
  const pushed = new Map<string, number>(); // `${userId}/${directoryId}` → record version last pushed successfully
  const pushes = new Map<string, PushExplanation>();
  const seen = new Set<string>();
  return {
    apply: (events: ReadonlyArray<Recorded>) => {
      for (const r of events) {
        if (seen.has(r.id)) continue;
        seen.add(r.id);
        const e = r.event;
        if (!('userId' in e.data)) continue;
        const userId = e.data.userId;
        const list = history.get(userId) ?? [];
        history.set(userId, list);
        const base = {
          eventId: r.id,
          type: e.type,
          at: e.data.at,
          ...('by' in e.data && actor(e.data.by) !== undefined ? { by: actor(e.data.by) as string } : {}),
        };
        switch (e.type) {
          case 'UserCreated':
            list.push({ ...base, recordVersion: 1 });
            break;
          case 'PasswordSet':
            list.push({ ...base, recordVersion: e.data.recordVersion, detail: `version ${e.data.passwordVersion}` });
            break;
          case 'AttributesChanged':
            list.push({
              ...base,
              recordVersion: e.data.recordVersion,
              detail: [...Object.keys(e.data.changed), ...e.data.cleared].join(', '),
            });
            break;
          case 'UserBound':
          case 'ExternalAccountLinked':
            list.push({ ...base, directoryId: e.data.directoryId, generation: e.data.generation });
            break;
          case 'PortalLogin':
            list.push(base);
            break;
          case 'PushStarted': {
            if (pushes.has(e.data.pushId)) break;
            const { at: _at, ...push } = e.data;
            const since = pushed.get(`${userId}/${push.directoryId}`) ?? 0;
            const binding = push.reason === 'takeover' || push.reason === 'rebind';
            const causes = list.filter(
              (s) =>
                (s.recordVersion !== undefined && s.recordVersion > since && s.recordVersion <= push.recordVersion) ||
                (binding && s.directoryId === push.directoryId && s.generation === push.generation),
            );
            const carrier = list.find((s) => s.eventId === e.metadata?.correlationId);
            pushes.set(push.pushId, {
              push,
              causes: causes.map(({ recordVersion: _r, directoryId: _d, generation: _g, ...c }) => c),
              ...(carrier === undefined ? {} : { carriedBy: { eventId: carrier.eventId, type: carrier.type, at: carrier.at } }),
              startedAt: e.data.at,
            });
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
    why: (pushId) => pushes.get(pushId),
    pushesOf: (userId, directoryId) =>
      [...pushes.values()].filter((p) => p.push.userId === userId && (directoryId === undefined || p.push.directoryId === directoryId)),
  };
};
