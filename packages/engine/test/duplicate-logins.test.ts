// Issue 13: one user logging in on two instances at once, over one in-memory store (see duplicateLogins.ts).
import { inMemoryEventStore } from '@takeover/event-store';
import { duplicateLogins } from './duplicateLogins.js';

duplicateLogins(() => {
  const store = inMemoryEventStore();
  return Promise.resolve({ first: store, second: store });
});
