import * as TE from 'fp-ts/lib/TaskEither.js';
import type { ConnectorError, DirectoryConnector, ExternalUserId } from '@takeover/connector-kit';

/** What a login-time check learned: when the password last changed there, and who changed it when the directory says. */
export interface LoginChange {
  readonly changedAt: Date;
  readonly by?: string;
}

/**
 * R16 at login: how to ask this connector when the account's password last changed outside
 * Takeover, or undefined when it cannot tell (`capabilities.externalChanges.atLogin` false).
 * `externalPasswordChange` where the connector has it (Google leaves its own admin's changes out
 * there); else `lastPasswordChange` (the latest change by anyone: the engine leaves out those not
 * later than its own last push). `by` is kept when the directory names who acted, as in the sweep.
 */
export const loginChangeReader = (
  connector: DirectoryConnector | undefined,
): ((id: ExternalUserId) => TE.TaskEither<ConnectorError, LoginChange | null>) | undefined => {
  if (connector === undefined || !connector.capabilities.externalChanges.atLogin) return undefined;
  const external = connector.externalPasswordChange;
  if (external !== undefined)
    return (id) =>
      TE.map((c: { readonly changedAt: Date; readonly by?: string } | null): LoginChange | null =>
        c === null ? null : { changedAt: c.changedAt, ...(c.by === undefined ? {} : { by: c.by }) },
      )(external(id));
  const last = connector.lastPasswordChange;
  if (last === undefined) return undefined;
  return (id) => TE.map((d: Date | null): LoginChange | null => (d === null ? null : { changedAt: d }))(last(id));
};
