// users.list: by domain or customer, with the subset of Google's query language connectors use
// (`email:`, `email=`, `givenName:`, `familyName:`, `isSuspended=`, `isAdmin=`; `:` is a prefix match).
import * as E from 'fp-ts/lib/Either.js';
import type { GoogleApiError } from './errors.js';
import { googleError, invalidInput } from './errors.js';
import type { GoogleState, GoogleUser } from './state.js';
import { domainOf } from './state.js';

export interface ListParams {
  readonly domain?: string | undefined;
  readonly customer?: string | undefined;
  readonly query?: string | undefined;
  readonly maxResults?: string | undefined;
  readonly pageToken?: string | undefined;
}

type Predicate = (u: GoogleUser) => boolean;

const TERM = /^(email|givenName|familyName|isSuspended|isAdmin)\s*([:=])\s*'?([^']*)'?$/;

const term = (t: string): Predicate | undefined => {
  const m = TERM.exec(t);
  if (m === null) return undefined;
  const [, field = '', op = '', raw = ''] = m;
  const value = raw.replace(/\*$/, '').toLowerCase();
  const text = (v: string): boolean => (op === ':' ? v.toLowerCase().startsWith(value) : v.toLowerCase() === value);
  switch (field) {
    case 'email':
      return (u) => text(u.primaryEmail) || u.aliases.some(text);
    case 'givenName':
      return (u) => text(u.givenName);
    case 'familyName':
      return (u) => text(u.familyName);
    case 'isSuspended':
      return (u) => String(u.suspended) === value;
    case 'isAdmin':
      return (u) => String(u.isAdmin) === value;
    default:
      return undefined;
  }
};

const parseQuery = (q: string | undefined): E.Either<GoogleApiError, Predicate> => {
  if (q === undefined || q.trim() === '') return E.right(() => true);
  const preds: Predicate[] = [];
  for (const t of q.trim().split(/\s+(?=(?:email|givenName|familyName|isSuspended|isAdmin)\b)/)) {
    const p = term(t.trim());
    if (p === undefined) return E.left(invalidInput('query'));
    preds.push(p);
  }
  return E.right((u) => preds.every((p) => p(u)));
};

export interface ListPage {
  readonly users: ReadonlyArray<GoogleUser>;
  readonly nextPageToken?: string;
}

export const listUsers = (s: GoogleState, p: ListParams): E.Either<GoogleApiError, ListPage> => {
  if (p.domain === undefined && p.customer === undefined) return E.left(googleError('badRequest'));
  if (p.domain !== undefined && !s.domains.has(p.domain.toLowerCase())) return E.left(googleError('forbidden'));
  if (p.customer !== undefined && p.customer !== 'my_customer' && p.customer !== s.customerId) return E.left(googleError('forbidden'));
  const pred = parseQuery(p.query);
  if (E.isLeft(pred)) return pred;
  const max = p.maxResults === undefined ? 100 : Number(p.maxResults);
  if (!Number.isInteger(max) || max < 1 || max > 500) return E.left(invalidInput('maxResults'));
  const offset = p.pageToken === undefined ? 0 : Number(Buffer.from(p.pageToken, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) return E.left(invalidInput('pageToken'));
  const all = [...s.users.values()]
    .filter((u) => p.domain === undefined || domainOf(u.primaryEmail) === p.domain.toLowerCase())
    .filter(pred.right)
    .sort((a, b) => a.primaryEmail.localeCompare(b.primaryEmail));
  const users = all.slice(offset, offset + max);
  const next = offset + max < all.length ? { nextPageToken: Buffer.from(String(offset + max)).toString('base64url') } : {};
  return E.right({ users, ...next });
};
