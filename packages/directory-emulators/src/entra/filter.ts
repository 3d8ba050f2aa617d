// The `$filter` subset connectors use on /users: `prop eq 'value'` (strings compare
// case-insensitively), `prop eq true|false`, `startswith(prop,'value')`, joined by all-`and` or
// all-`or`. Anything else is refused as Graph refuses what it does not support.
import * as E from 'fp-ts/lib/Either.js';
import type { GraphApiError } from './errors.js';
import { graphError } from './errors.js';
import type { EntraUser } from './state.js';

const FILTERABLE = new Set([
  'mail',
  'userPrincipalName',
  'displayName',
  'givenName',
  'surname',
  'mailNickname',
  'id',
  'accountEnabled',
  'employeeId',
]);

type Pred = (u: EntraUser) => boolean;

const prop = (u: EntraUser, p: string): unknown => (p === 'id' ? u.id : p === 'userPrincipalName' ? u.userPrincipalName : u.props[p]);

const EQ = /^(\w+)\s+eq\s+(?:'((?:[^']|'')*)'|(true|false))$/i;
const STARTS = /^startswith\(\s*(\w+)\s*,\s*'((?:[^']|'')*)'\s*\)$/i;

const clause = (c: string): E.Either<GraphApiError, Pred> => {
  const eq = EQ.exec(c);
  const st = eq === null ? STARTS.exec(c) : null;
  const name = eq?.[1] ?? st?.[1];
  if (name === undefined) return E.left(graphError(400, 'BadRequest', `Invalid filter clause: ${c}`));
  if (!FILTERABLE.has(name)) return E.left(graphError(400, 'Request_UnsupportedQuery', 'Unsupported Query.'));
  if (eq !== null && eq[3] !== undefined) {
    const b = eq[3].toLowerCase() === 'true';
    return E.right((u) => prop(u, name) === b);
  }
  const v = (eq?.[2] ?? st?.[2] ?? '').replace(/''/g, "'").toLowerCase();
  return E.right((u) => {
    const x = prop(u, name);
    return typeof x === 'string' && (eq !== null ? x.toLowerCase() === v : x.toLowerCase().startsWith(v));
  });
};

export const parseFilter = (filter: string | undefined): E.Either<GraphApiError, Pred> => {
  if (filter === undefined || filter.trim() === '') return E.right(() => true);
  const f = filter.trim();
  const ors = f.split(/\s+or\s+/i);
  const ands = f.split(/\s+and\s+/i);
  if (ors.length > 1 && ands.length > 1) return E.left(graphError(400, 'Request_UnsupportedQuery', 'Unsupported Query.'));
  const parts = ors.length > 1 ? ors : ands;
  const preds: Pred[] = [];
  for (const p of parts) {
    const r = clause(p.trim());
    if (E.isLeft(r)) return r;
    preds.push(r.right);
  }
  return E.right(ors.length > 1 ? (u) => preds.some((p) => p(u)) : (u) => preds.every((p) => p(u)));
};
