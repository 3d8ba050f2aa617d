import type { DirectoryId } from '../ids.js';

export interface DirectoryNotConnected {
  readonly _tag: 'DirectoryNotConnected';
  readonly directoryId: DirectoryId;
  readonly message: string;
}

export interface DirectoryAlreadyConnected {
  readonly _tag: 'DirectoryAlreadyConnected';
  readonly directoryId: DirectoryId;
  readonly message: string;
}

export interface InvalidDirectorySettings {
  readonly _tag: 'InvalidDirectorySettings';
  readonly directoryId: DirectoryId;
  readonly message: string;
}

export type DirectoryError = DirectoryNotConnected | DirectoryAlreadyConnected | InvalidDirectorySettings;

export const directoryNotConnected = (directoryId: DirectoryId): DirectoryNotConnected => ({
  _tag: 'DirectoryNotConnected',
  directoryId,
  message: `Directory ${directoryId} is not connected. Connect it first.`,
});
