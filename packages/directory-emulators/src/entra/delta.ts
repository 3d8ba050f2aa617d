// Graph delta query on users (https://learn.microsoft.com/graph/delta-query-users and
// https://learn.microsoft.com/graph/delta-query-overview): `GET /v1.0/users/delta[?$select=…]` starts
// a round with every user (a full sync); the answer pages with `@odata.nextLink` (`$skiptoken`) and
// ends with `@odata.deltaLink` (`$deltatoken`). Calling the deltaLink returns the users whose
// *selected* properties changed since (with `$select` carried in the token, so later requests need
// not repeat it), removed users as `{ id, "@removed": { reason: "changed" } }`, and a new deltaLink.
// Page size: `Prefer: odata.maxpagesize=n`, default 100. Tokens live in memory: a token the
// emulator does not know (a restart, a made-up one) answers 410 `syncStateNotFound`, as an expired
// one does, and the client starts a new round.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as E from 'fp-ts/lib/Either.js';
import type { GraphApiError } from './errors.js';
import { graphError } from './errors.js';
import { parseSelect, renderEntraUser } from './render.js';
import type { GraphRoute } from './routes.js';
import { graphQuery } from './query.js';
import type { EntraTenant } from './state.js';

/** What a deltaLink remembers: the round's `$select` and each user's selected properties as they were. */
interface DeltaState {
  readonly select: ReadonlyArray<string>;
  readonly snapshot: ReadonlyMap<string, string>;
}
/** What a nextLink remembers: the pages still to send and the deltaLink state the round ends with. */
interface PageState {
  readonly items: ReadonlyArray<Record<string, unknown>>;
  readonly next: DeltaState;
}

const tokens = new WeakMap<EntraTenant, { readonly delta: Map<string, DeltaState>; readonly pages: Map<string, PageState> }>();
const storeOf = (t: EntraTenant) => {
  const found = tokens.get(t);
  if (found !== undefined) return found;
  const made = { delta: new Map<string, DeltaState>(), pages: new Map<string, PageState>() };
  tokens.set(t, made);
  return made;
};
const token = (): string => randomBytes(18).toString('base64url');

const DEFAULT_PAGE = 100;
const pageSize = (req: FastifyRequest): number => {
  const prefer = req.headers.prefer;
  const m = /odata\.maxpagesize=(\d+)/i.exec(Array.isArray(prefer) ? prefer.join(',') : (prefer ?? ''));
  const n = m?.[1] === undefined ? DEFAULT_PAGE : Number(m[1]);
  return n >= 1 ? Math.min(n, 999) : DEFAULT_PAGE;
};

const gone = (): GraphApiError =>
  graphError(
    410,
    'syncStateNotFound',
    'The sync state could not be found: the token is unknown or has expired. Start a new round of delta queries.',
  );

export const registerUserDelta = (
  app: FastifyInstance,
  graph: GraphRoute,
  base: () => string,
  ctx: () => string,
  now: () => number,
): void => {
  const link = (param: '$skiptoken' | '$deltatoken', value: string): string => {
    const u = new URL(`${base()}v1.0/users/delta`);
    u.searchParams.set(param, value);
    return u.toString();
  };
  /** Sends `items` a page at a time; the last page carries the deltaLink for `next`. */
  const page = (t: EntraTenant, items: ReadonlyArray<Record<string, unknown>>, next: DeltaState, size: number) => {
    const store = storeOf(t);
    const body: Record<string, unknown> = { '@odata.context': `${ctx()}#users(${next.select.join(',')})`, value: items.slice(0, size) };
    if (items.length > size) {
      const skip = token();
      store.pages.set(skip, { items: items.slice(size), next });
      body['@odata.nextLink'] = link('$skiptoken', skip);
    } else {
      const delta = token();
      store.delta.set(delta, next);
      body['@odata.deltaLink'] = link('$deltatoken', delta);
    }
    return E.right({ status: 200, body });
  };

  app.get(
    '/v1.0/users/delta',
    graph(
      () => ['read'],
      (c, req) => {
        const q = graphQuery(req);
        const store = storeOf(c.tenant);
        const size = pageSize(req);
        const skip = q.get('$skiptoken');
        if (skip !== null) {
          const p = store.pages.get(skip);
          if (p === undefined) return Promise.resolve(E.left(gone()));
          store.pages.delete(skip);
          return Promise.resolve(page(c.tenant, p.items, p.next, size));
        }
        const deltaToken = q.get('$deltatoken');
        const previous = deltaToken === null ? undefined : store.delta.get(deltaToken);
        if (deltaToken !== null && previous === undefined) return Promise.resolve(E.left(gone()));
        const select = previous === undefined ? parseSelect(q.get('$select') ?? undefined) : E.right(previous.select);
        if (E.isLeft(select)) return Promise.resolve(select);
        const props = select.right.includes('id') ? select.right : [...select.right, 'id'];
        const at = now();
        const users = [...c.tenant.users.values()]
          .filter((u) => u.visibleFrom <= at)
          .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
        const rendered = users.map((u) => renderEntraUser(u, props));
        const snapshot = new Map(rendered.map((r) => [String(r['id']), JSON.stringify(r)]));
        const next: DeltaState = { select: select.right, snapshot };
        if (previous === undefined) return Promise.resolve(page(c.tenant, rendered, next, size));
        const changed = rendered.filter((r) => previous.snapshot.get(String(r['id'])) !== JSON.stringify(r));
        const removed = [...previous.snapshot.keys()]
          .filter((id) => !snapshot.has(id))
          .map((id) => ({ id, '@removed': { reason: 'changed' } }));
        return Promise.resolve(page(c.tenant, [...changed, ...removed], next, size));
      },
    ),
  );
};
