// Issue 13: an attribute-only push leased by a dead instance, over one in-memory store (see leaseExpiry.ts).
import { inMemoryEventStore } from '@takeover/event-store';
import { leaseExpiry } from './leaseExpiry.js';

leaseExpiry(() => Promise.resolve(inMemoryEventStore()));
