import type { RecordAccountActionFailed, RecordAccountActionSucceeded } from './commands.js';
import type { Decision } from './decision.js';
import { events, notBound, nothing, userNotFound } from './decision.js';
import type { UserState } from './state.js';

/** Records that the engine suspended or restored the external account; recording it again decides nothing. */
export const decideAccountActionSucceeded = (c: RecordAccountActionSucceeded, state: UserState): Decision => {
  if (state.status === 'absent') return userNotFound(c.userId);
  const binding = state.bindings[c.action.directoryId];
  if (binding === undefined) return notBound(c.userId, c.action.directoryId);
  if (binding.lastAccountActionId === c.action.actionId) return nothing;
  const data = { ...c.action, at: c.at };
  return events(c.action.action === 'suspend' ? { type: 'ExternalAccountSuspended', data } : { type: 'ExternalAccountRestored', data });
};

export const decideAccountActionFailed = (c: RecordAccountActionFailed, state: UserState): Decision => {
  if (state.status === 'absent') return userNotFound(c.userId);
  const binding = state.bindings[c.action.directoryId];
  if (binding === undefined) return notBound(c.userId, c.action.directoryId);
  if (binding.accountActionFailure?.actionId === c.action.actionId && binding.accountActionFailure.at === c.at) return nothing;
  return events({ type: 'ExternalAccountActionFailed', data: { ...c.action, failure: c.failure, at: c.at } });
};
