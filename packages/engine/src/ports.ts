import { randomUUID } from 'node:crypto';
import type { IsoTime } from '@takeover/core';
import { isoTime } from '@takeover/core';

/** The engine's time source (the core reads no clock). `now` is epoch milliseconds. */
export interface Clock {
  readonly now: () => number;
}

export const systemClock: Clock = { now: () => Date.now() };

export const isoNow = (clock: Clock): IsoTime => isoTime(new Date(clock.now()).toISOString());

/** Fresh ids for commands the engine issues on its own account (outcome commands derive theirs, see `dispatch`). */
export interface IdGenerator {
  readonly next: () => string;
}

export const randomIds: IdGenerator = { next: () => randomUUID() };
