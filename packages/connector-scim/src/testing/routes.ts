import { acceptsPassword, makeVerifier, newUser, toScim } from './store.js';
import type { StoredUser } from './store.js';

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
}

/** RFC 7644 §3.12 error body. */
export const scimError = (status: number, detail: string, scimType?: string) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
  status: String(status),
  ...(scimType === undefined ? {} : { scimType }),
  detail,
});

const error = (status: number, detail: string, scimType?: string): Reply => ({ status, body: scimError(status, detail, scimType) });

const setPassword = async (user: StoredUser, value: unknown): Promise<Reply | undefined> => {
  if (typeof value !== 'string' || !acceptsPassword(value))
    return error(400, 'The password does not satisfy the password policy', 'invalidValue');
  user.verifier = await makeVerifier(value);
  return undefined;
};

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Applies one `replace` (or `add`) operation with a path; the paths the connector sends, no more. */
const applyOperation = async (user: StoredUser, op: { op?: unknown; path?: unknown; value?: unknown }): Promise<Reply | undefined> => {
  if (op.op !== 'replace' && op.op !== 'add') return error(400, `unsupported op ${String(op.op)}`, 'invalidSyntax');
  switch (op.path) {
    case 'password':
      return setPassword(user, op.value);
    case 'active':
      if (typeof op.value !== 'boolean') return error(400, 'active is a boolean', 'invalidValue');
      user.active = op.value;
      return undefined;
    case 'userName':
      user.userName = str(op.value) ?? user.userName;
      return undefined;
    case 'name.givenName':
      user.givenName = str(op.value);
      return undefined;
    case 'name.familyName':
      user.familyName = str(op.value);
      return undefined;
    case 'displayName':
      user.displayName = str(op.value);
      return undefined;
    case 'title':
      user.title = str(op.value);
      return undefined;
    case 'emails':
      user.emails = Array.isArray(op.value) ? (op.value as StoredUser['emails']) : [];
      return undefined;
    default:
      return error(400, `unsupported path ${String(op.path)}`, 'invalidPath');
  }
};

const patch = async (user: StoredUser, body: unknown): Promise<Reply> => {
  const ops = (body as { Operations?: unknown }).Operations;
  if (!Array.isArray(ops)) return error(400, 'Operations is required', 'invalidSyntax');
  const draft: StoredUser = { ...user };
  for (const op of ops as Array<Record<string, unknown>>) {
    const failed = await applyOperation(draft, op);
    if (failed !== undefined) return failed; // atomic (RFC 7644 §3.5.2): nothing applied
  }
  Object.assign(user, draft);
  return { status: 200, body: toScim(user) };
};

const create = async (users: Map<string, StoredUser>, body: Record<string, unknown>): Promise<Reply> => {
  const userName = str(body['userName']);
  if (userName === undefined) return error(400, 'userName is required', 'invalidValue');
  if ([...users.values()].some((u) => u.userName === userName)) return error(409, 'userName is taken', 'uniqueness');
  const user = newUser(userName);
  const name = (body['name'] ?? {}) as Record<string, unknown>;
  Object.assign(user, {
    givenName: str(name['givenName']),
    familyName: str(name['familyName']),
    displayName: str(body['displayName']),
    title: str(body['title']),
  });
  user.emails = Array.isArray(body['emails']) ? (body['emails'] as StoredUser['emails']) : [];
  const failed = body['password'] === undefined ? undefined : await setPassword(user, body['password']);
  if (failed !== undefined) return failed;
  users.set(user.id, user);
  return { status: 201, body: toScim(user) };
};

const list = (users: Map<string, StoredUser>, filter: string | null): Reply => {
  const m = /^userName eq "((?:[^"\\]|\\.)*)"$/.exec(filter ?? '');
  if (m === null) return error(400, 'only filter=userName eq "…" is supported', 'invalidFilter');
  const userName = JSON.parse(`"${m[1] ?? ''}"`) as string;
  const found = [...users.values()].filter((u) => u.userName.toLowerCase() === userName.toLowerCase()).map(toScim);
  return {
    status: 200,
    body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: found.length, Resources: found },
  };
};

/** Routes one authenticated request. */
export const handle = async (users: Map<string, StoredUser>, method: string, url: URL, raw: string): Promise<Reply> => {
  let body: unknown = {};
  try {
    body = raw === '' ? {} : JSON.parse(raw);
  } catch {
    return error(400, 'the body is not JSON', 'invalidSyntax');
  }
  const path = url.pathname.replace(/^\/scim\/v2/, '');
  if (path === '/ServiceProviderConfig' && method === 'GET') {
    return {
      status: 200,
      body: { patch: { supported: true }, changePassword: { supported: true }, filter: { supported: true, maxResults: 100 } },
    };
  }
  if (path === '/Users' && method === 'GET') return list(users, url.searchParams.get('filter'));
  if (path === '/Users' && method === 'POST') return create(users, body as Record<string, unknown>);
  const id = /^\/Users\/([^/]+)$/.exec(path)?.[1];
  const user = id === undefined ? undefined : users.get(decodeURIComponent(id));
  if (id === undefined) return error(404, `no route ${method} ${path}`);
  if (user === undefined) return error(404, `Resource ${decodeURIComponent(id)} not found`);
  if (method === 'GET') return { status: 200, body: toScim(user) };
  if (method === 'PATCH') return patch(user, body);
  return error(405, `${method} is not supported`);
};
