import type { IdGenerator } from '../ports.js';

/** Ids `prefix-1`, `prefix-2`, … for readable tests. */
export const manualIds = (prefix = 'id'): IdGenerator => {
  let n = 0;
  return { next: () => `${prefix}-${++n}` };
};
