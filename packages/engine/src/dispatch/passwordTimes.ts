import type { DirectoryConnector } from '@takeover/connector-kit';

/**
 * `ms` rounded down to the grain at which `connector`'s directory stamps password changes (Graph:
 * whole seconds). Our own times, seen at that grain, compare with the directory's without a
 * same-second change being taken for a later one.
 */
export const atDirectoryGrain = (connector: DirectoryConnector, ms: number): number => {
  const grain = Math.max(1, connector.passwordChangePrecisionMs ?? 1);
  return Math.floor(ms / grain) * grain;
};
