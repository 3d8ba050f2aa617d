import * as E from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import type { Decider } from '../decider.js';
import { metadataFor } from '../codec/event.js';
import type { DirectoryCommand } from './commands.js';
import type { DirectoryError } from './errors.js';
import { directoryNotConnected } from './errors.js';
import { DirectoryConnected, DirectoryDisconnected, DirectoryPolicyChanged } from './events.js';
import type { DirectoryEvent } from './events.js';
import { evolveDirectory } from './evolve.js';
import { changedPolicyFields, directoryPolicy } from './policy.js';
import type { DirectoryState } from './state.js';
import { directoryInfo, initialDirectoryState } from './state.js';
import { jsonEqual } from '../equal.js';

const invalid = (c: DirectoryCommand, what: string): Either<DirectoryError, never> =>
  E.left({ _tag: 'InvalidDirectorySettings', directoryId: c.directoryId, message: `Directory ${c.directoryId}: ${what}` });

export const decideDirectory = (
  command: DirectoryCommand,
  state: DirectoryState,
): Either<DirectoryError, ReadonlyArray<DirectoryEvent>> => {
  const meta = (i: number, v: number) => metadataFor(command.commandId, i, v);
  switch (command.type) {
    case 'ConnectDirectory': {
      if (command.displayName.trim() === '') return invalid(command, 'the display name is empty.');
      if (command.domain.trim() === '') return invalid(command, 'the domain or tenant is empty.');
      const data = {
        directoryId: command.directoryId,
        kind: command.kind,
        displayName: command.displayName,
        domain: command.domain,
        policy: directoryPolicy(command.kind, command.policy),
      };
      if (state.status === 'connected') {
        return jsonEqual(data, directoryInfo(state))
          ? E.right([])
          : E.left({
              _tag: 'DirectoryAlreadyConnected',
              directoryId: command.directoryId,
              message: `Directory ${command.directoryId} is already connected with other settings; change its policy instead.`,
            });
      }
      return E.right([
        { type: 'DirectoryConnected', data: { ...data, at: command.at }, metadata: meta(0, DirectoryConnected.schemaVersion) },
      ]);
    }
    case 'ChangeDirectoryPolicy': {
      if (state.status !== 'connected') return E.left(directoryNotConnected(command.directoryId));
      const policy = directoryPolicy(state.kind, { ...state.policy, ...command.policy });
      const changed = changedPolicyFields(state.policy, policy);
      if (changed.length === 0) return E.right([]);
      return E.right([
        {
          type: 'DirectoryPolicyChanged',
          data: { directoryId: command.directoryId, policy, changed: [...changed], at: command.at },
          metadata: meta(0, DirectoryPolicyChanged.schemaVersion),
        },
      ]);
    }
    case 'DisconnectDirectory':
      if (state.status === 'unknown') return E.left(directoryNotConnected(command.directoryId));
      if (state.status === 'disconnected') return E.right([]);
      return E.right([
        {
          type: 'DirectoryDisconnected',
          data: { directoryId: command.directoryId, at: command.at },
          metadata: meta(0, DirectoryDisconnected.schemaVersion),
        },
      ]);
  }
};

export const directoryDecider: Decider<DirectoryCommand, DirectoryEvent, DirectoryState, DirectoryError> = {
  decide: (command, state) => decideDirectory(command, state),
  evolve: evolveDirectory,
  initialState: initialDirectoryState,
};
