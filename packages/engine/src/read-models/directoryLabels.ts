import type { DirectoryId } from '@takeover/core';
import { directoryLabel } from '@takeover/core';
import type { Recorded } from './events.js';

/** "Google Workspace (example.com)" per directory id, from the directory streams. */
export const directoryLabels = () => {
  const labels = new Map<DirectoryId, string>();
  return {
    observe: (r: Recorded): void => {
      if (r.event.type === 'DirectoryConnected') labels.set(r.event.data.directoryId, directoryLabel(r.event.data));
    },
    label: (id: DirectoryId): string => labels.get(id) ?? id,
  };
};
