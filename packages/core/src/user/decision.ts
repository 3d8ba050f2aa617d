import * as E from 'fp-ts/lib/Either.js';
import type { Either } from 'fp-ts/lib/Either.js';
import type { DirectoryId, UserId } from '../ids.js';
import type { UserError } from './errors.js';
import type { UserEventDraft } from './emit.js';

export type Decision = Either<UserError, ReadonlyArray<UserEventDraft>>;

export const events = (...drafts: ReadonlyArray<UserEventDraft>): Decision => E.right(drafts);
export const nothing: Decision = E.right([]);
export const fail = (error: UserError): Decision => E.left(error);

export const userNotFound = (userId: UserId): Decision => fail({ _tag: 'UserNotFound', userId, message: `There is no user ${userId}.` });

export const directoryNotConnected = (directoryId: DirectoryId): Decision =>
  fail({
    _tag: 'DirectoryNotConnected',
    directoryId,
    message: `Directory ${directoryId} is not connected; connect it before binding users to it.`,
  });

export const notBound = (userId: UserId, directoryId: DirectoryId): Decision =>
  fail({ _tag: 'NotBound', directoryId, message: `User ${userId} is not bound to directory ${directoryId}.` });
