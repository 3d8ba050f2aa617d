import type { CommandId, DirectoryId } from '../ids.js';
import type { IsoTime } from '../time.js';
import type { DirectoryKind } from './events.js';
import type { DirectoryPolicyInput } from './policy.js';

export interface DirectoryCommandBase {
  readonly commandId: CommandId;
  readonly directoryId: DirectoryId;
  readonly at: IsoTime;
}

/** Connect a directory; omitted policy fields take the defaults for its kind. */
export interface ConnectDirectory extends DirectoryCommandBase {
  readonly type: 'ConnectDirectory';
  readonly kind: DirectoryKind;
  readonly displayName: string;
  readonly domain: string;
  readonly policy?: DirectoryPolicyInput;
}

/** Change some policy fields; the others keep their current values. */
export interface ChangeDirectoryPolicy extends DirectoryCommandBase {
  readonly type: 'ChangeDirectoryPolicy';
  readonly policy: DirectoryPolicyInput;
}

export interface DisconnectDirectory extends DirectoryCommandBase {
  readonly type: 'DisconnectDirectory';
}

export type DirectoryCommand = ConnectDirectory | ChangeDirectoryPolicy | DisconnectDirectory;
