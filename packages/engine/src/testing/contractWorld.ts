// What the read-model contract suites share: two directories, a fixed clock, and real commands run
// against the store under test to build a history (not exported from `/testing`).
import * as E from 'fp-ts/lib/Either.js';
import type { CommandId, DirectoryId, IsoTime, UserCommand, UserId } from '@takeover/core';
import { Secret, commandId, directoryId, externalUserKey, isoTime } from '@takeover/core';
import type { EventStore } from '@takeover/event-store';
import type { UserHandled } from '../commands.js';
import { handleDirectoryCommand, handleUserCommand } from '../commands.js';

export const G: DirectoryId = directoryId('google');
export const M: DirectoryId = directoryId('m365');
export const PASSWORD = 'Tr0ub4dor&3-horse';
export const admin = { role: 'admin' as const, id: 'admin-1' };

/** Minutes after 2026-01-01T00:00Z. */
export const at = (minute: number): IsoTime => isoTime(new Date(Date.UTC(2026, 0, 1) + minute * 60_000).toISOString());

export interface ContractWorld {
  readonly nextCommandId: () => CommandId;
  readonly base: (u: UserId, minute: number) => { readonly commandId: CommandId; readonly userId: UserId; readonly at: IsoTime };
  readonly run: (store: EventStore, c: UserCommand) => Promise<UserHandled>;
  readonly connect: (
    store: EventStore,
    id: DirectoryId,
    kind: 'google-workspace' | 'microsoft-entra',
    displayName: string,
    domain: string,
  ) => Promise<void>;
  readonly createBound: (
    store: EventStore,
    u: UserId,
    name: string,
    given: string,
    family: string,
    minute: number,
    dirs: ReadonlyArray<DirectoryId>,
  ) => Promise<UserId>;
}

/** Command ids unique within a suite (`prefix-1`, `prefix-2`, …), and the commands that use them. */
export const contractWorld = (prefix: string): ContractWorld => {
  let counter = 0;
  const nextCommandId = (): CommandId => commandId(`${prefix}-${++counter}`);
  const base = (u: UserId, minute: number) => ({ commandId: nextCommandId(), userId: u, at: at(minute) });
  const run = async (store: EventStore, c: UserCommand) => {
    const r = await handleUserCommand({ store, context: {} }, c)();
    if (E.isLeft(r)) throw new Error(`fixture command ${c.type} failed: ${JSON.stringify(r.left)}`);
    return r.right;
  };
  const connect = async (
    store: EventStore,
    id: DirectoryId,
    kind: 'google-workspace' | 'microsoft-entra',
    displayName: string,
    domain: string,
  ) => {
    const r = await handleDirectoryCommand(store, {
      type: 'ConnectDirectory',
      commandId: nextCommandId(),
      directoryId: id,
      at: at(0),
      kind,
      displayName,
      domain,
    })();
    if (E.isLeft(r)) throw new Error('fixture: cannot connect a directory');
  };
  /** An active user with the fixture password, bound to `dirs` (external key `<name>@<directory>`). */
  const createBound = async (
    store: EventStore,
    u: UserId,
    name: string,
    given: string,
    family: string,
    minute: number,
    dirs: ReadonlyArray<DirectoryId>,
  ) => {
    await run(store, {
      ...base(u, minute),
      type: 'CreateUser',
      state: 'active',
      attributes: { email: `${name}@example.com`, givenName: given, familyName: family },
      by: admin,
      password: Secret.of(PASSWORD),
    });
    for (const d of dirs)
      await run(store, {
        ...base(u, minute),
        type: 'BindDirectory',
        directoryId: d,
        by: admin,
        externalKey: externalUserKey(`${name}@${d}`),
      });
    return u;
  };
  return { nextCommandId, base, run, connect, createBound };
};

/**
 * Appends through `store`, remembering the last event id appended, and `settled` waits until that event shows in
 * the global order before `catchUp`: on PostgreSQL an event becomes readable there only once every
 * older transaction in the database has ended (another session's may still be open, in any schema),
 * and `catchUp` can only wait for what it can read.
 */
export const trackedAppends = (store: EventStore) => {
  let lastId: string | undefined;
  const wrapped: EventStore = {
    appendToStream: (streamId, events, options) => async () => {
      const r = await store.appendToStream(streamId, events, options)();
      if (E.isRight(r)) lastId = events.at(-1)?.id ?? lastId;
      return r;
    },
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    close: () => store.close(),
  };
  const visible = async (id: string): Promise<boolean> => {
    const page = await store.readAll({ maxCount: 100_000 })();
    return E.isRight(page) && page.right.events.some((e) => e.id === id);
  };
  const settled = async (subject: { readonly catchUp: () => Promise<void> }): Promise<void> => {
    const id = lastId;
    if (id !== undefined)
      while (!(await visible(id)))
        await new Promise((resolve) => {
          setImmediate(resolve);
        });
    await subject.catchUp();
  };
  return { store: wrapped, settled };
};
