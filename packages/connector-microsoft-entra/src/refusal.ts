// A password set Graph refused, explained for the admin: a few reads (never a write) to tell a
// refusal specific to this user from one that is the app's. Each stays a permanent failure.
// - Federated domain: its users' passwords live with the federation provider (Graph's exact answer
//   is undocumented; the domain read below does not depend on its wording).
// - Privileged target: "Who can perform sensitive actions"
//   (https://learn.microsoft.com/graph/api/resources/users#who-can-perform-sensitive-actions): only
//   Privileged Authentication Administrator / Global Administrator reset an administrator.
// Graph answers the same 403 Authorization_RequestDenied "Insufficient privileges to complete the
// operation." when the app lacks a reset role altogether; when the target holds no role (or its
// roles cannot be read) the message says so and leaves the distinction to diagnose, which the engine
// runs when pushes are refused.
import type { Client } from '@microsoft/microsoft-graph-client';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { ConnectorError, ExternalUserId, PermanentError } from '@takeover/connector-kit';
import { permanent } from '@takeover/connector-kit';
import type { GraphCall } from './call.js';
import { GraphDomain, GraphRoleAssignments, GraphUpn } from './codecs.js';
import { filterValue, odataString } from './mapping.js';

/** Graph's documented answer to a password outside the policy: no need to look further. */
export const PASSWORD_COMPLEXITY =
  'The specified password does not comply with password complexity requirements. Please provide a different password.';

export interface RefusalEnv {
  readonly graph: Client;
  readonly call: <A>(c: GraphCall<A>) => TaskEither<ConnectorError, A>;
}

const refused = (e: PermanentError, message: string): ConnectorError =>
  permanent('forbidden', { ...e.provider, message: `${message} (Graph: ${e.provider.message})` });

export const explainRefusal = (env: RefusalEnv, externalId: ExternalUserId, e: ConnectorError): TaskEither<ConnectorError, never> => {
  if (e._tag !== 'permanent' || e.reason === 'not-found') return TE.left(e);
  if (e.reason === 'policy-rejected' && e.provider.message === PASSWORD_COMPLEXITY) return TE.left(e);
  const generic =
    e.reason === 'forbidden'
      ? refused(
          e,
          'Graph refused to set this password. It answers the same 403 when the app holds no directory role allowing password resets (User Administrator) and when the user holds an admin role (then Privileged Authentication Administrator is needed); run the directory check (diagnose / takeover-doctor) to tell which',
        )
      : e;
  const { graph, call } = env;
  const privileged = (): TaskEither<ConnectorError, ConnectorError> =>
    pipe(
      call({
        operation: 'GET /roleManagement/directory/roleAssignments (target)',
        run: (signal) =>
          graph
            .api('/roleManagement/directory/roleAssignments')
            .filter(filterValue(`principalId eq ${odataString(externalId)}`))
            .expand('roleDefinition')
            .options({ signal })
            .get(),
        decode: GraphRoleAssignments,
      }),
      TE.map((list): ConnectorError => {
        const roles = list.value.map((a) => a.roleDefinition?.displayName ?? a.roleDefinitionId);
        return roles.length === 0
          ? generic
          : refused(
              e,
              `the app needs Privileged Authentication Administrator to reset this administrator's password (the user holds ${roles.join(', ')})`,
            );
      }),
    );
  const explained: TaskEither<ConnectorError, ConnectorError> = pipe(
    call({
      operation: 'GET /users/{id}?$select=userPrincipalName',
      run: (signal) =>
        graph
          .api(`/users/${encodeURIComponent(externalId)}`)
          .select('userPrincipalName')
          .options({ signal })
          .get(),
      decode: GraphUpn,
    }),
    TE.chain(({ userPrincipalName }) => {
      const domain = userPrincipalName.slice(userPrincipalName.lastIndexOf('@') + 1);
      return pipe(
        call({
          operation: 'GET /domains/{id}',
          run: (signal) =>
            graph
              .api(`/domains/${encodeURIComponent(domain)}`)
              .select('id,authenticationType')
              .options({ signal })
              .get(),
          decode: GraphDomain,
        }),
        TE.map((d) => d.authenticationType === 'Federated'),
        TE.orElse(() => TE.right<ConnectorError, boolean>(false)),
        TE.chain((federated): TaskEither<ConnectorError, ConnectorError> =>
          federated
            ? TE.right(refused(e, `${domain} is federated: the password lives with the federation provider, and Entra will not set it`))
            : e.reason === 'forbidden'
              ? privileged()
              : TE.right(e),
        ),
      );
    }),
  );
  return pipe(
    explained,
    TE.orElse(() => TE.right<ConnectorError, ConnectorError>(generic)),
    TE.chain((x) => TE.left(x)),
  );
};
