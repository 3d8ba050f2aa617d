import type { DirectoryId } from '../ids.js';
import type { IsoTime } from '../time.js';
import type { DirectoryKind } from './events.js';
import type { DirectoryPolicy } from './policy.js';

/** What other deciders and the to-do projection need to know about a connected directory. */
export interface DirectoryInfo {
  readonly directoryId: DirectoryId;
  readonly kind: DirectoryKind;
  readonly displayName: string;
  readonly domain: string;
  readonly policy: DirectoryPolicy;
}

export type DirectoryState =
  { readonly status: 'unknown' } | (DirectoryInfo & { readonly status: 'connected' | 'disconnected'; readonly connectedAt: IsoTime });

export const initialDirectoryState: DirectoryState = { status: 'unknown' };

/** The connected directory's facts, or `undefined` when it is not (or no longer) connected. */
export const directoryInfo = (state: DirectoryState): DirectoryInfo | undefined =>
  state.status === 'connected'
    ? { directoryId: state.directoryId, kind: state.kind, displayName: state.displayName, domain: state.domain, policy: state.policy }
    : undefined;

/** "Microsoft 365 (contoso.com)": how users and admins see a directory named in messages. */
export const directoryLabel = (d: Pick<DirectoryInfo, 'displayName' | 'domain'>): string => `${d.displayName} (${d.domain})`;

/** The connected directories a user decider looks up, keyed by id. */
export type Directories = Readonly<Partial<Record<DirectoryId, DirectoryInfo>>>;

/** Builds `Directories` from folded directory states (disconnected ones are left out). */
export const directoriesFrom = (states: ReadonlyArray<DirectoryState>): Directories => {
  const out: Partial<Record<DirectoryId, DirectoryInfo>> = {};
  for (const s of states) {
    const info = directoryInfo(s);
    if (info !== undefined) out[info.directoryId] = info;
  }
  return out;
};
