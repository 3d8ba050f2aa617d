import { openSqliteEventStore } from '@takeover/event-store-sqlite';
import { runProjections } from '@takeover/engine';
import { sqliteProjectionTarget, sqliteUserList } from '@takeover/read-models/sqlite';

export const minimal = async (path: string): Promise<number> => {
  const opened = await openSqliteEventStore({ path })();
  if (opened._tag === 'Left') throw new Error(opened.left.message);
  const store = opened.right;

  // The user list's tables live in the event store's file; rows and checkpoint commit together.
  const users = sqliteUserList(store);
  const running = runProjections(store, sqliteProjectionTarget(store), [users.projection]);
  await running.catchUp(); // after a restart: only the events since the last commit

  const page = await users.view.list({ filter: { sync: 'failing' }, sort: 'email', limit: 50 });
  await running.stop();
  await store.close();
  return page.total;
};
