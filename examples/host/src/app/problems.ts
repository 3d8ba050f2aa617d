// Engine and core errors as the `Problem`s the HTTP layer maps to statuses. Messages come from the
// core, which never puts a password in one.
import type { EngineError } from '@takeover/engine';
import type { Problem } from './hostApp.js';

export const notFound = (what: Extract<Problem, { kind: 'not-found' }>['what'], id: string): Problem => ({ kind: 'not-found', what, id });
export const invalid = (field: string, reason: string): Problem => ({ kind: 'invalid', field, reason });
export const conflict = (reason: string): Problem => ({ kind: 'conflict', reason });
export const unavailable = (reason: string): Problem => ({ kind: 'unavailable', reason });
export const UNAUTHORIZED: Problem = { kind: 'unauthorized' };

export const problemOf = (e: EngineError): Problem => {
  switch (e._tag) {
    case 'StoreFailed':
      return unavailable(`the event store failed: ${e.error._tag}`);
    case 'TooManyConflicts':
      return unavailable('the user is being changed by other requests right now; try again');
    case 'Rejected': {
      const err = e.error;
      switch (err._tag) {
        case 'UserNotFound':
          return notFound('user', err.userId);
        case 'DirectoryNotConnected':
          return notFound('directory', err.directoryId);
        case 'NotBound':
          return notFound('binding', err.directoryId);
        case 'UserAlreadyExists':
        case 'DirectoryAlreadyConnected':
        case 'InvalidBinding':
        case 'PushNotOwed':
        case 'PushInFlight':
          return conflict(err.message);
        case 'CannotLogIn':
        case 'PasswordChangeNotAllowed':
          return { kind: 'forbidden', reason: err.message, code: err.reason };
        case 'PasswordRejected':
        case 'InvalidAttributes':
        case 'InvalidDirectorySettings':
          return { kind: 'rejected', code: err._tag, reason: err.message };
      }
    }
  }
};

/** For a thrown error from the host's own database or a read: its kind only, never its text (it could quote input). */
export const unavailableFrom = (what: string, e: unknown): Problem =>
  unavailable(`${what} failed${typeof e === 'object' && e !== null && 'code' in e ? ` (${String(e.code)})` : ''}`);
