// Scenario 7a, rebuild: folding one user with 10,000 events with the core's `userDecider.evolve`
// (the fold every command and settle pays) against a hand-written reduce over the same decoded,
// plain event objects. The history is real: recorded through the engine (created, bound to two
// directories, logged in, pushed, then rounds of "admin renames, user logs in, both pushes succeed"),
// and the recorded round is repeated with its record version, push ids and event ids advanced.
import * as E from 'fp-ts/lib/Either.js';
import type { UserEvent, UserState } from '@takeover/core';
import {
  decodeDirectoryEvent,
  decodeUserEvent,
  directoriesFrom,
  directoryDecider,
  fold,
  pushIdFor,
  syncStatus,
  userDecider,
  userId,
} from '@takeover/core';
import type { RawEvent } from '@takeover/event-store';
import { median, round, versionsOf } from '../engine/common.js';
import { rawOf, recordHistory } from '../engine/history.js';
import type { BenchContext, Scenario, ScenarioResult } from '../lib/scenario.js';

const FULL_EVENTS = 10_000;
const FULL_REPETITIONS = 40;

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The recorded round, advanced by `k` rounds: record version + k, push ids recomputed, ids suffixed. */
const advance = (raw: RawEvent, k: number): RawEvent => {
  const copy = JSON.parse(JSON.stringify(raw)) as { type: string; data: unknown; metadata: unknown };
  const { data, metadata } = copy;
  if (isJson(metadata) && typeof metadata.eventId === 'string') metadata.eventId = `${metadata.eventId}~${k}`;
  if (isJson(metadata) && typeof metadata.commandId === 'string') metadata.commandId = `${metadata.commandId}~${k}`;
  if (!isJson(data)) return copy;
  if (typeof data.recordVersion === 'number') data.recordVersion += k;
  if (copy.type === 'AttributesChanged' && isJson(data.changed)) data.changed.givenName = `Round${k}`;
  if (typeof data.correlationId === 'string') data.correlationId = `${data.correlationId}~${k}`;
  if (typeof data.pushId === 'string') data.pushId = pushIdFor(data as unknown as Parameters<typeof pushIdFor>[0]);
  return copy;
};

// The baseline: the same facts, kept the way one would by hand (one mutable accumulator, no copies).
interface HandBinding {
  generation: number;
  externalKey: string | null;
  pushedRecordVersion: number;
  pushedPasswordVersion: number;
  takeoverComplete: boolean;
  inFlight: string | null;
  lastFailure: unknown;
  lastSuccessAt: string | null;
}
interface HandState {
  exists: boolean;
  state: string;
  passwordStatus: string;
  passwordVersion: number;
  recordVersion: number;
  lastLoginAt: string | null;
  attributes: Record<string, unknown>;
  bindings: Record<string, HandBinding>;
  notices: Set<string>;
}

const emptyHand = (): HandState => ({
  exists: false,
  state: '',
  passwordStatus: 'pending',
  passwordVersion: 0,
  recordVersion: 0,
  lastLoginAt: null,
  attributes: {},
  bindings: {},
  notices: new Set(),
});

const applyOne = (s: HandState, e: UserEvent): void => {
  switch (e.type) {
    case 'UserCreated':
      s.exists = true;
      s.state = e.data.state;
      s.recordVersion = 1;
      s.attributes = { ...e.data.attributes };
      break;
    case 'UserStateChanged':
      s.state = e.data.to;
      break;
    case 'UserBound':
      s.bindings[e.data.directoryId] = {
        generation: e.data.generation,
        externalKey: null,
        pushedRecordVersion: 0,
        pushedPasswordVersion: 0,
        takeoverComplete: false,
        inFlight: null,
        lastFailure: null,
        lastSuccessAt: null,
      };
      break;
    case 'ExternalAccountLinked': {
      const b = s.bindings[e.data.directoryId];
      if (b !== undefined) b.externalKey = e.data.externalKey;
      break;
    }
    case 'PasswordSet':
      s.passwordStatus = 'active';
      s.passwordVersion = e.data.passwordVersion;
      s.recordVersion = e.data.recordVersion;
      break;
    case 'PasswordExpired':
      s.passwordStatus = 'expired';
      break;
    case 'PortalLogin':
      s.lastLoginAt = e.data.at;
      break;
    case 'AttributesChanged':
      Object.assign(s.attributes, e.data.changed);
      for (const n of e.data.cleared) delete s.attributes[n];
      s.recordVersion = e.data.recordVersion;
      break;
    case 'PushStarted': {
      const b = s.bindings[e.data.directoryId];
      if (b !== undefined) b.inFlight = e.data.pushId;
      break;
    }
    case 'PushSucceeded': {
      const b = s.bindings[e.data.directoryId];
      if (b === undefined) break;
      b.pushedRecordVersion = Math.max(b.pushedRecordVersion, e.data.recordVersion);
      if (e.data.carriesPassword) {
        b.pushedPasswordVersion = Math.max(b.pushedPasswordVersion, e.data.passwordVersion);
        b.takeoverComplete = true;
      }
      if (b.inFlight === e.data.pushId) b.inFlight = null;
      b.lastFailure = null;
      b.lastSuccessAt = e.data.at;
      break;
    }
    case 'PushFailed': {
      const b = s.bindings[e.data.directoryId];
      if (b !== undefined) {
        if (b.inFlight === e.data.pushId) b.inFlight = null;
        b.lastFailure = e.data;
      }
      break;
    }
    case 'NoticeSent':
      s.notices.add(e.data.noticeId);
      break;
    default:
      break;
  }
};

const handReduce = (events: ReadonlyArray<UserEvent>): HandState => {
  const s = emptyHand();
  for (const e of events) applyOne(s, e);
  return s;
};

/** The same fold written by hand with the core's discipline (a new object per event, no mutation): where the time goes. */
const handImmutable = (events: ReadonlyArray<UserEvent>): HandState =>
  events.reduce<HandState>((s, e) => {
    switch (e.type) {
      case 'PortalLogin':
        return { ...s, lastLoginAt: e.data.at };
      case 'AttributesChanged':
        return { ...s, attributes: { ...s.attributes, ...e.data.changed }, recordVersion: e.data.recordVersion };
      case 'PushStarted': {
        const b = s.bindings[e.data.directoryId];
        return b === undefined ? s : { ...s, bindings: { ...s.bindings, [e.data.directoryId]: { ...b, inFlight: e.data.pushId } } };
      }
      case 'PushSucceeded': {
        const b = s.bindings[e.data.directoryId];
        return b === undefined
          ? s
          : {
              ...s,
              bindings: {
                ...s.bindings,
                [e.data.directoryId]: {
                  ...b,
                  pushedRecordVersion: Math.max(b.pushedRecordVersion, e.data.recordVersion),
                  pushedPasswordVersion: e.data.carriesPassword
                    ? Math.max(b.pushedPasswordVersion, e.data.passwordVersion)
                    : b.pushedPasswordVersion,
                  takeoverComplete: b.takeoverComplete || e.data.carriesPassword,
                  inFlight: b.inFlight === e.data.pushId ? null : b.inFlight,
                  lastFailure: null,
                  lastSuccessAt: e.data.at,
                },
              },
            };
      }
      default: {
        const copy = {
          ...s,
          attributes: { ...s.attributes },
          bindings: Object.fromEntries(Object.entries(s.bindings).map(([k, b]) => [k, { ...b }])),
          notices: new Set(s.notices),
        };
        applyOne(copy, e);
        return copy;
      }
    }
  }, emptyHand());

const time = (f: () => unknown): number => {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};

const run7a = async (ctx: BenchContext): Promise<ScenarioResult> => {
  const began = Date.now();
  const target = ctx.sized(FULL_EVENTS, 500);
  const repetitions = ctx.sized(FULL_REPETITIONS, 10);
  const user = userId('rebuild-user');
  const history = await recordHistory(user, 2);
  const roundStart = history.roundStarts[1] ?? 0;
  const prefix = history.userEvents.slice(0, roundStart).map(rawOf);
  const recordedRound = history.userEvents.slice(roundStart).map(rawOf);
  if (recordedRound.length === 0) throw new Error('rebuild-fold: the recorded round is empty');
  const raws: RawEvent[] = [...prefix];
  // Whole rounds only (the history then ends with both directories in sync): at least `target` events.
  for (let k = 0; raws.length < target; k++) for (const r of recordedRound) raws.push(k === 0 ? r : advance(r, k));

  const decoded: UserEvent[] = raws.map((r, i) => {
    const d = decodeUserEvent(r);
    if (E.isLeft(d)) throw new Error(`rebuild-fold: event ${i} (${r.type}) does not decode`);
    return d.right;
  });

  // Correct before fast: the fold ends with both directories in sync, and both reduces agree.
  const state: UserState = fold(userDecider, decoded);
  const directoryStates = history.directoryEvents.map((e) => {
    const d = decodeDirectoryEvent(rawOf(e));
    if (E.isLeft(d)) throw new Error('rebuild-fold: a directory event does not decode');
    return fold(directoryDecider, [d.right]);
  });
  const statuses = syncStatus(state, directoriesFrom(directoryStates));
  const hand = handReduce(decoded);
  const immutable = handImmutable(decoded);
  if (
    state.status !== 'present' ||
    state.recordVersion !== hand.recordVersion ||
    state.lastLoginAt !== hand.lastLoginAt ||
    immutable.recordVersion !== hand.recordVersion
  ) {
    throw new Error('rebuild-fold: the core fold and the hand-written reduce disagree');
  }
  for (const [id, b] of Object.entries(state.bindings)) {
    const h = hand.bindings[id];
    if (
      b === undefined ||
      h === undefined ||
      b.pushedRecordVersion !== h.pushedRecordVersion ||
      b.pushedPasswordVersion !== h.pushedPasswordVersion ||
      (b.inFlight?.pushId ?? null) !== h.inFlight
    ) {
      throw new Error(`rebuild-fold: binding ${id} differs between the core fold and the hand-written reduce`);
    }
  }
  if (!statuses.every((s) => s.state === 'in-sync'))
    throw new Error(`rebuild-fold: the synthesised history does not end in sync (${statuses.map((s) => s.state).join(', ')})`);

  const ours: number[] = [];
  const baseline: number[] = [];
  const immutableTimes: number[] = [];
  const warmUp = Math.max(5, Math.round(repetitions / 4));
  // The three take turns in a rotating order: whichever runs right after the immutable reduce pays for
  // the garbage it leaves (the collector's work), so each of them follows it in a third of the rounds.
  const reduces = [
    { run: () => fold(userDecider, decoded), times: ours },
    { run: () => handReduce(decoded), times: baseline },
    { run: () => handImmutable(decoded), times: immutableTimes },
  ];
  for (let i = 0; i < warmUp + repetitions; i++) {
    for (let k = 0; k < reduces.length; k++) {
      const r = reduces[(i + k) % reduces.length] as (typeof reduces)[number];
      const ms = time(r.run);
      if (i >= warmUp) r.times.push(ms);
    }
  }
  const n = decoded.length;
  const perSecond = (ms: number) => Math.round(n / (ms / 1000));
  const [o, b, c] = [median(ours), median(baseline), median(immutableTimes)];
  const ratio = b / o;
  const counts: Record<string, number> = {};
  for (const e of decoded) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return {
    scenario: 'rebuild-fold',
    parameters: {
      events: n,
      repetitions,
      warmUp,
      recordedRoundEvents: recordedRound.length,
      prefixEvents: prefix.length,
      eventTypes: Object.entries(counts)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
      foldEndsInSync: statuses.every((s) => s.state === 'in-sync'),
      oursMsPerFold: round(o, 3),
      handMsPerFold: round(b, 3),
      handImmutableMsPerFold: round(c, 3),
    },
    baselineDescription:
      'A hand-written reduce over the same decoded event objects: one mutable accumulator, a switch on the event type, the same facts (versions, attributes, per-binding pushed versions, in-flight push, last outcome, notices). Decoding is done once, before timing; medians of alternating runs.',
    figures: [
      {
        name: `fold one user, ${n} events`,
        unit: 'events/s',
        ours: perSecond(o),
        baseline: perSecond(b),
        peers: { 'hand-written immutable reduce': perSecond(c) },
        ratio: round(ratio, 3),
        target: 0.5,
        targetKind: 'ratio-at-least',
        met: ratio >= 0.5,
        note: 'ratio = ours ÷ hand-written mutable reduce; the immutable hand-written reduce (a new object per event, as the core does) shows what that discipline costs by itself',
      },
    ],
    versions: versionsOf(['@takeover/core', '@takeover/engine']),
    durationMs: Date.now() - began,
  };
};

export const scenario: Scenario = {
  id: 'rebuild-fold',
  title: 'Rebuild: folding one user with 10,000 events vs a hand-written reduce',
  run: run7a,
};
