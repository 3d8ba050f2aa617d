import type { DirectoryEvent } from './events.js';
import type { DirectoryState } from './state.js';

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
