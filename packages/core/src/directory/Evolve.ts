import type { DirectoryEvent } from './Events.js';
import type { DirectoryState } from './State.js';

export const evolveDirectory = (state: DirectoryState, event: DirectoryEvent): DirectoryState => {
  switch (event.type) {
    case 'DirectoryConnected': {
      const { at, ...info } = event.data;
      return { status: 'connected', ...info, connectedAt: at };
    }
    case 'DirectoryPolicyChanged':
      return state.status === 'unknown' ? state : { ...state, policy: event.data.policy };
    case 'DirectoryDisconnected':
      return state.status === 'unknown' ? state : { ...state, status: 'disconnected' };
  }
};
