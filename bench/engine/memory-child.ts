// The memory benchmark's measuring process (run by bench/scenarios/memory.ts as
// `node --expose-gc … memory-child.ts <users>`): records one user's history through the engine, then
// feeds the four in-memory read models the events of <users> users (the recorded history with the
// user id renamed; decoded once with the core codecs), and prints one JSON line with the memory figures.
import * as E from 'fp-ts/lib/Either.js';
import { userId } from '@takeover/core';
import type { Recorded } from '@takeover/engine';
import { anyEventDecoder, auditLog, portalNotifications, syncStatusView, whyView } from '@takeover/engine';
import { Checkpoint } from '@takeover/event-store';
import { rawOf, recordHistory } from './history.js';

// The process itself (Node, the loaded modules), measured before anything of the benchmark is loaded
// or built, so the figures can be reported net of it.
const gcFirst = (globalThis as { gc?: () => void }).gc;
gcFirst?.();
gcFirst?.();
const bare = process.memoryUsage();

const TOKEN = 'u0000000';
const users = Number(process.argv[2] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('memory-child: run with node --expose-gc');
if (!Number.isInteger(users) || users < 1) throw new Error(`memory-child: users must be a positive integer, got ${process.argv[2] ?? ''}`);

const history = await recordHistory(userId(TOKEN), 0);
if (!JSON.stringify(history.userEvents).includes(TOKEN)) throw new Error('memory-child: the recorded history does not carry the user id');
const perUser = history.userEvents.length;

let position = 0;
const recorded = (id: string, streamId: string, revision: number, raw: ReturnType<typeof rawOf>): Recorded => {
  const decoded = anyEventDecoder.decode(raw);
  if (E.isLeft(decoded) || decoded.right === null) throw new Error(`memory-child: ${raw.type} in ${streamId} does not decode`);
  position++;
  return { id, streamId, revision, position: Checkpoint.unsafeOf(String(position)), recordedAt: new Date(), event: decoded.right };
};
// Decoded once (the codecs check it); each user's copy is the decoded JSON with the user id renamed,
// parsed into fresh objects (decoded events are plain JSON: strings, numbers, booleans, arrays).
const template = JSON.stringify(
  history.userEvents.map((e) => {
    const r = recorded(e.id, e.streamId, e.revision, rawOf(e));
    return { id: r.id, streamId: r.streamId, revision: r.revision, event: r.event };
  }),
);
const eventsOf = (i: number): Recorded[] => {
  const name = `u${String(i).padStart(7, '0')}`;
  const copy = JSON.parse(template.replaceAll(TOKEN, name)) as Array<Pick<Recorded, 'id' | 'streamId' | 'revision' | 'event'>>;
  return copy.map((e) => ({ ...e, position: Checkpoint.unsafeOf(String(++position)), recordedAt: new Date() }));
};

const models = { syncStatus: syncStatusView(), audit: auditLog(), notifications: portalNotifications(), why: whyView() };
const all = [models.syncStatus, models.audit, models.notifications, models.why];
const directoryEvents = history.directoryEvents.map((e) => recorded(e.id, e.streamId, e.revision, rawOf(e)));
for (const m of all) m.apply(directoryEvents);

gc();
gc();
const before = process.memoryUsage();
let peakRss = before.rss;
const BATCH_USERS = 200;
const started = Date.now();
for (let i = 0; i < users; i += BATCH_USERS) {
  const batch: Recorded[] = [];
  for (let j = i; j < Math.min(users, i + BATCH_USERS); j++) batch.push(...eventsOf(j));
  for (const m of all) m.apply(batch);
  if ((i / BATCH_USERS) % 25 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
const feedMs = Date.now() - started;
peakRss = Math.max(peakRss, process.memoryUsage().rss);
gc();
gc();
const after = process.memoryUsage();

// The models did take the events: the last user is in sync on both directories, with one login and two notifications.
const last = userId(`u${String(users - 1).padStart(7, '0')}`);
const statuses = models.syncStatus.status(last);
const check = {
  inSync: statuses.length === 2 && statuses.every((s) => s.state === 'in-sync'),
  logins: models.audit.logins(last).length,
  notifications: models.notifications.forUser(last).length,
  pushesExplained: models.why.pushesOf(last).length,
  usersInView: models.syncStatus.users().length,
};

process.stdout.write(
  `${JSON.stringify({
    users,
    eventsPerUser: perUser,
    events: users * perUser + directoryEvents.length,
    feedMs,
    rssBare: bare.rss,
    heapUsedBare: bare.heapUsed,
    rssBefore: before.rss,
    heapUsedBefore: before.heapUsed,
    peakRss,
    peakRssProcess: process.resourceUsage().maxRSS * 1024,
    rssAfter: after.rss,
    heapUsedAfter: after.heapUsed,
    externalAfter: after.external,
    check,
  })}\n`,
);
