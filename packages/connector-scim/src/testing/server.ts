import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fault } from '@takeover/connector-kit/testing';
import { handle, scimError } from './routes.js';
import type { StoredUser } from './store.js';

export interface ScimTestServer {
  /** The SCIM base URL, `http://127.0.0.1:<port>/scim/v2`. */
  readonly baseUrl: string;
  readonly token: string;
  readonly users: Map<string, StoredUser>;
  /**
   * How many requests asked to end `id`'s sessions: any request to a sub-resource of that user
   * (`/Users/<id>/…`, e.g. a vendor's `/Users/<id>/sessions`). SCIM defines no sessions and no such
   * route, so it is answered 404, but counted: the conformance suite's session oracle, which must
   * see a connector that tries to end sessions although it declares it cannot.
   */
  readonly sessionRevocationRequests: (id: string) => number;
  /** The next request fails with `fault`, once. */
  readonly injectFault: (fault: Fault) => void;
  readonly close: () => Promise<void>;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }), ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
};

// #region faults
/** Fails the request as `fault` says; `password` is what the request tried to set (for echoing). */
const applyFault = (fault: Fault, req: IncomingMessage, res: ServerResponse, password: string | undefined): void => {
  switch (fault.kind) {
    case 'not-found':
      return send(res, 404, scimError(404, 'Resource not found'));
    case 'policy-reject': {
      const quoted = fault.echoPassword === true && password !== undefined ? ` "${password}"` : '';
      return send(res, 400, scimError(400, `The password${quoted} does not satisfy the password policy`, 'invalidValue'));
    }
    case 'forbidden':
      return send(res, 403, scimError(403, 'The token may not modify this user'));
    case 'auth':
      return send(res, 401, scimError(401, 'The bearer token is invalid or expired'));
    case 'throttle':
      return send(res, 429, scimError(429, 'Too many requests'), { 'retry-after': String(fault.retryAfterSeconds) });
    case 'unavailable':
      return send(res, 503, scimError(503, 'Service unavailable'));
    case 'timeout':
      return; // never answers; the client's timeout fires, `close` drops the socket
    case 'connection-reset':
      return void req.socket.destroy();
  }
};
// #endregion faults

const passwordIn = (body: string): string | undefined => {
  try {
    const ops = (JSON.parse(body) as { Operations?: Array<{ path?: string; value?: unknown }> }).Operations ?? [];
    const value = ops.find((o) => o.path === 'password')?.value;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
};

/**
 * A small SCIM 2.0 service provider for tests: `/Users` (filter `userName eq`, GET, POST, PATCH
 * replace), `/ServiceProviderConfig`, bearer auth, passwords kept as scrypt verifiers, and one-shot
 * fault injection. Not a full RFC 7644 implementation: just what the connector needs, honestly.
 */
export const startScimTestServer = async (token = 'scim-test-token'): Promise<ScimTestServer> => {
  const users = new Map<string, StoredUser>();
  let pending: Fault | undefined;
  const revocations = new Map<string, number>();
  const server = createServer((req, res) => {
    const sub = /^\/scim\/v2\/Users\/([^/]+)\/./.exec(new URL(req.url ?? '/', 'http://localhost').pathname)?.[1];
    if (sub !== undefined) {
      const id = decodeURIComponent(sub);
      revocations.set(id, (revocations.get(id) ?? 0) + 1);
    }
    void readBody(req)
      .then(async (body) => {
        const fault = pending;
        pending = undefined;
        if (fault !== undefined) return applyFault(fault, req, res, passwordIn(body));
        if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, scimError(401, 'Authorization required'));
        const { status, body: out } = await handle(users, req.method ?? 'GET', new URL(req.url ?? '/', 'http://localhost'), body);
        return send(res, status, out);
      })
      .catch(() => send(res, 500, scimError(500, 'Internal error')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/scim/v2`,
    token,
    users,
    sessionRevocationRequests: (id) => revocations.get(id) ?? 0,
    injectFault: (fault) => {
      pending = fault;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
