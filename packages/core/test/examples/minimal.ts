import * as E from 'fp-ts/lib/Either.js';
import {
  Secret,
  commandId,
  decodeEvent,
  directoriesFrom,
  directoryDecider,
  fold,
  isoTime,
  owed,
  pushesToCarryOut,
  userDecider,
  userId,
} from '@takeover/core';
import type { DirectoryEvent, UserEvent } from '@takeover/core';

// Events as a store returns them: decode once, at the edge.
const decodeAll = <Ev>(raws: ReadonlyArray<unknown>): Ev[] =>
  raws.map((raw, position) => {
    const r = decodeEvent(raw, { stream: 'example', position });
    if (E.isLeft(r)) throw new Error(r.left.message);
    return r.right as Ev;
  });

const directory = fold(
  directoryDecider,
  decodeAll<DirectoryEvent>([
    {
      type: 'DirectoryConnected',
      data: {
        directoryId: 'm365',
        kind: 'microsoft-entra',
        displayName: 'Microsoft 365',
        domain: 'contoso.com',
        at: '2026-11-28T08:00:00Z',
        policy: {
          passwordPush: 'every-push',
          revokeSessionsOnPush: false,
          passwordPolicy: { kind: 'microsoft-entra' },
          createMissingUsers: true,
          onUnbind: 'suspend',
          onSuspend: 'suspend',
        },
      },
    },
  ]),
);
const directories = directoriesFrom([directory]);

const user = fold(
  userDecider,
  decodeAll<UserEvent>([
    {
      type: 'UserCreated',
      data: {
        userId: 'ada',
        state: 'active',
        by: { role: 'admin' },
        at: '2026-11-28T08:01:00Z',
        attributes: { email: 'ada@contoso.com', givenName: 'Ada', familyName: 'Lovelace' },
      },
    },
    {
      type: 'PasswordSet',
      data: { userId: 'ada', by: 'user-activation', passwordVersion: 1, recordVersion: 2, at: '2026-11-28T08:02:00Z' },
    },
    {
      type: 'UserBound',
      data: { userId: 'ada', directoryId: 'm365', generation: 1, origin: 'admin', by: { role: 'admin' }, at: '2026-11-28T08:03:00Z' },
    },
    {
      type: 'ExternalAccountLinked',
      data: {
        userId: 'ada',
        directoryId: 'm365',
        generation: 1,
        externalKey: 'ada@contoso.com',
        how: 'matched-email',
        at: '2026-11-28T08:04:00Z',
      },
    },
  ]),
);

// What is owed now: the takeover push (it needs the plaintext, so it waits for a login) and the binding email.
export const todo = owed(user, directories, { now: isoTime('2026-11-28T08:05:00Z') });

// Ada logs in to the portal: the login is decided, and the plaintext she typed can carry the push.
const login = userDecider.decide(
  {
    type: 'LogIn',
    commandId: commandId('login-1'),
    userId: userId('ada'),
    at: isoTime('2026-11-28T09:00:00Z'),
    password: Secret.of('Tr0ub4dor&3-horse'),
  },
  user,
  { directories },
);
export const carryOut = E.isRight(login) ? pushesToCarryOut(login.right.reduce(userDecider.evolve, user), directories, 'portal-login') : [];
