import type { DirectoryInfo, Directories } from '../directory/state.js';
import type { DirectoryPolicyInput } from '../directory/policy.js';
import { directoryPolicy } from '../directory/policy.js';
import { commandId as makeCommandId, directoryId as makeDirectoryId, externalUserKey, userId as makeUserId } from '../ids.js';
import type { CommandId, DirectoryId, ExternalUserKey, UserId } from '../ids.js';
import type { IsoTime } from '../time.js';
import { isoTime } from '../time.js';
import type { Actor, UserAttributes } from '../user/attributes.js';
import type { PasswordSetter } from '../user/commands.js';
import type { PasswordSource } from '../user/events.js';

/** `t(5)`: 2026-01-01T00:05:00Z, minute 5 of a test's day. */
export const t = (minute: number): IsoTime =>
  isoTime(`2026-01-01T${String(Math.floor(minute / 60) % 24).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00Z`);

export const uid = (s = 'u1'): UserId => makeUserId(s);
export const did = (s: string): DirectoryId => makeDirectoryId(s);
export const key = (s: string): ExternalUserKey => externalUserKey(s);

let counter = 0;
/** A fresh command id per call (tests only: the core itself never invents ids). */
export const cid = (prefix = 'cmd'): CommandId => makeCommandId(`${prefix}-${++counter}`);

export const admin: Actor = { role: 'admin', id: 'admin-1' };
/** `SetPassword.by` for a stored `PasswordSource` (the inverse of `passwordSourceOf`). */
export const setterOf = (source: PasswordSource): PasswordSetter =>
  source === 'admin' ? { role: 'admin' } : { role: 'user', via: source === 'user-activation' ? 'activation' : 'portal' };

export const ada: UserAttributes = { email: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace' };

export const googleWorkspace = (id = 'google', domain = 'example.com', policy: DirectoryPolicyInput = {}): DirectoryInfo => ({
  directoryId: makeDirectoryId(id),
  kind: 'google-workspace',
  displayName: 'Google Workspace',
  domain,
  policy: directoryPolicy('google-workspace', policy),
});

export const microsoftEntra = (id = 'm365', domain = 'contoso.com', policy: DirectoryPolicyInput = {}): DirectoryInfo => ({
  directoryId: makeDirectoryId(id),
  kind: 'microsoft-entra',
  displayName: 'Microsoft 365',
  domain,
  policy: directoryPolicy('microsoft-entra', policy),
});

export const directoriesOf = (...ds: ReadonlyArray<DirectoryInfo>): Directories => Object.fromEntries(ds.map((d) => [d.directoryId, d]));
