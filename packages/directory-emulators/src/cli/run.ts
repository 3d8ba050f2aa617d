// `takeover-emulators`: starts both emulators from a seed file, writes a credentials file (service
// account keys, app secrets, certificate paths, the CA path) and prints where everything is.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import type { EntraEmulator } from '../entra/emulator.js';
import { startEntraEmulator } from '../entra/emulator.js';
import type { GoogleEmulator } from '../google/emulator.js';
import { startGoogleEmulator } from '../google/emulator.js';
import { SeedFile } from './seedFile.js';

export interface RunningEmulators {
  readonly google: GoogleEmulator;
  readonly entra: EntraEmulator;
  readonly credentialsPath: string;
  readonly close: () => Promise<void>;
}

export type CliFailure = { readonly _tag: 'CliFailure'; readonly message: string };

export const USAGE = `Usage: takeover-emulators [--seed seed.json] [--out DIR] [--host 127.0.0.1] [--google-port 0] [--entra-port 0] [--profile default|realistic] [--quiet]
  Starts the Google Workspace (HTTP) and Microsoft Entra/Graph (HTTPS) emulators, writes DIR/credentials.json and
  DIR/ca.pem, and prints their URLs. --quiet hides the per-request log lines. --profile realistic turns on the real
  services' timing (Entra: a user created by POST /users answers 404 for a few seconds).`;

const port = (v: string | undefined): number => (v === undefined ? 0 : Number(v));

export const runEmulators = async (
  argv: ReadonlyArray<string>,
  print: (line: string) => void,
): Promise<E.Either<CliFailure, RunningEmulators>> => {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: {
        seed: { type: 'string' },
        out: { type: 'string' },
        host: { type: 'string' },
        'google-port': { type: 'string' },
        'entra-port': { type: 'string' },
        profile: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (e) {
    return E.left({ _tag: 'CliFailure', message: `${e instanceof Error ? e.message : String(e)}\n${USAGE}` });
  }
  if (args.help === true) return E.left({ _tag: 'CliFailure', message: USAGE });
  const profile = args.profile ?? 'default';
  if (profile !== 'default' && profile !== 'realistic')
    return E.left({ _tag: 'CliFailure', message: `--profile must be default or realistic, not ${profile}\n${USAGE}` });
  let seed: SeedFile = {};
  if (args.seed !== undefined) {
    const decoded = SeedFile.decode(JSON.parse(await readFile(args.seed, 'utf8')) as unknown);
    if (E.isLeft(decoded))
      return E.left({ _tag: 'CliFailure', message: `invalid seed ${args.seed}: ${PathReporter.report(decoded).join('; ')}` });
    seed = decoded.right;
  }
  const out = resolve(args.out ?? join(tmpdir(), `takeover-emulators-${process.pid}`));
  await mkdir(out, { recursive: true });
  const host = args.host ?? '127.0.0.1';
  const log = args.quiet === true ? undefined : (line: string) => print(`  ${line}`);
  const { quotas: gq, ...googleSeed } = seed.google ?? {};
  const { quotas: eq, ...entraSeed } = seed.entra ?? {};
  const google = await startGoogleEmulator({
    host,
    port: port(args['google-port']),
    profile,
    seed: googleSeed,
    ...(gq === undefined ? {} : { quotas: gq }),
    ...(log === undefined ? {} : { log: (l) => log(`[google] ${l}`) }),
  });
  const entra = await startEntraEmulator({
    host,
    port: port(args['entra-port']),
    certificateDir: out,
    profile,
    ...(entraSeed.tenants === undefined ? {} : { seed: entraSeed }),
    ...(eq === undefined ? {} : { quotas: eq }),
    ...(log === undefined ? {} : { log: (l) => log(`[entra] ${l}`) }),
  });
  const credentialsPath = join(out, 'credentials.json');
  const credentials = {
    google: {
      url: google.url,
      rootUrl: google.url,
      tokenUrl: google.tokenUrl,
      adminEmail: google.adminEmail,
      customerId: google.customerId,
      domains: google.domains,
      serviceAccounts: google.serviceAccounts,
      adminApi: `${google.url}__admin`,
    },
    entra: {
      url: entra.url,
      authorityHost: entra.authorityHost,
      graphBaseUrl: entra.graphBaseUrl,
      caCertPath: entra.caCertPath,
      adminApi: `${entra.url}__admin`,
      tenants: entra.tenants.map((t) => ({
        ...t,
        apps: t.apps.map(({ certificate, ...a }) => ({
          ...a,
          ...(certificate === undefined ? {} : { certificatePath: entra.certificatePaths[a.clientId], thumbprint: certificate.thumbprint }),
        })),
      })),
    },
  };
  await writeFile(credentialsPath, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await writeFile(join(out, 'google-service-account.json'), `${JSON.stringify(google.credentials, null, 2)}\n`, { mode: 0o600 });
  print(`Google Workspace emulator  ${google.url}  (Admin SDK rootUrl; token endpoint ${google.tokenUrl})`);
  print(`Microsoft Entra emulator   ${entra.url}  (authorityHost ${entra.authorityHost}; Graph baseUrl ${entra.graphBaseUrl})`);
  print(`CA certificate             ${entra.caCertPath}  (e.g. NODE_EXTRA_CA_CERTS=${entra.caCertPath})`);
  print(`Credentials                ${credentialsPath}`);
  print(`Admin API                  ${google.url}__admin/…  and  ${entra.url}__admin/…`);
  return E.right({
    google,
    entra,
    credentialsPath,
    close: async () => {
      await google.close();
      await entra.close();
    },
  });
};
