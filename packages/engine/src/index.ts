// @takeover/engine: the application service. Named exports only; test helpers live in `@takeover/engine/testing`.
export { systemClock, randomIds, isoNow } from './ports.js';
export type { Clock, IdGenerator } from './ports.js';
