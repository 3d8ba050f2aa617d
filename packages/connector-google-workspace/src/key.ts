import { readFile } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import { Secret } from '@takeover/core';

/** What the connector needs of a service account: its email and private key (kept as a Secret). */
export interface ServiceAccountCredentials {
  readonly clientEmail: string;
  readonly privateKey: Secret;
  readonly privateKeyId?: string;
  /** The service account's numeric client id: what an admin authorises in domain-wide delegation. */
  readonly clientId?: string;
}

/** The JSON key file Google Cloud issues for a service account (the fields we use). */
export const ServiceAccountKeyFile = t.intersection(
  [
    t.type({ client_email: t.string, private_key: t.string }),
    t.partial({ type: t.literal('service_account'), private_key_id: t.string, client_id: t.string }),
  ],
  'ServiceAccountKeyFile',
);

export interface KeyFileRejected {
  readonly _tag: 'KeyFileRejected';
  /** Why: unreadable, not JSON, or missing fields. Never the key itself. */
  readonly message: string;
}

const rejected = (message: string): KeyFileRejected => ({ _tag: 'KeyFileRejected', message });

/** Decodes a service account key file's text. */
export const serviceAccountKeyFromJson = (text: string): E.Either<KeyFileRejected, ServiceAccountCredentials> => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return E.left(rejected('the service account key is not JSON'));
  }
  const decoded = ServiceAccountKeyFile.decode(json);
  if (E.isLeft(decoded)) return E.left(rejected(`not a service account key: ${PathReporter.report(decoded).join('; ').slice(0, 300)}`));
  const k = decoded.right;
  return E.right({
    clientEmail: k.client_email,
    privateKey: Secret.of(k.private_key),
    ...(k.private_key_id === undefined ? {} : { privateKeyId: k.private_key_id }),
    ...(k.client_id === undefined ? {} : { clientId: k.client_id }),
  });
};

/** Reads and decodes a service account key file. */
export const serviceAccountKeyFromFile =
  (path: string): TaskEither<KeyFileRejected, ServiceAccountCredentials> =>
  async () => {
    try {
      return serviceAccountKeyFromJson(await readFile(path, 'utf8'));
    } catch (e) {
      return E.left(rejected(`cannot read ${path}: ${e instanceof Error && 'code' in e ? String(e.code) : 'unknown error'}`));
    }
  };
