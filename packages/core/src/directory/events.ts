import * as t from 'io-ts';
import { DirectoryId, Text } from '../ids.js';
import { IsoTime } from '../time.js';
import { eventCodec } from '../codec/event.js';
import { DirectoryPolicy } from './policy.js';

/** `google-workspace`, `microsoft-entra`, or the name of another connector (SCIM, LDAP, …). */
export const DirectoryKind = Text as t.Type<DirectoryKind, string, unknown>;
export type DirectoryKind = 'google-workspace' | 'microsoft-entra' | (string & {});

export const DirectoryConnected = eventCodec(
  'DirectoryConnected',
  t.type({
    directoryId: DirectoryId,
    kind: DirectoryKind,
    /** What users see: "Microsoft 365", "Google Workspace". */
    displayName: Text,
    /** The primary domain (Google) or tenant domain/id (Entra). */
    domain: Text,
    policy: DirectoryPolicy,
    at: IsoTime,
  }),
);
export type DirectoryConnected = t.TypeOf<typeof DirectoryConnected>;

export const DirectoryPolicyChanged = eventCodec(
  'DirectoryPolicyChanged',
  t.type({ directoryId: DirectoryId, policy: DirectoryPolicy, changed: t.array(t.string), at: IsoTime }),
);
export type DirectoryPolicyChanged = t.TypeOf<typeof DirectoryPolicyChanged>;

export const DirectoryDisconnected = eventCodec('DirectoryDisconnected', t.type({ directoryId: DirectoryId, at: IsoTime }));
export type DirectoryDisconnected = t.TypeOf<typeof DirectoryDisconnected>;

export const directoryEventCodecs = [DirectoryConnected, DirectoryPolicyChanged, DirectoryDisconnected] as const;

export const DirectoryEvent = t.union([DirectoryConnected, DirectoryPolicyChanged, DirectoryDisconnected], 'DirectoryEvent');
export type DirectoryEvent = DirectoryConnected | DirectoryPolicyChanged | DirectoryDisconnected;
