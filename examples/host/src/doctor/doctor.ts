// takeover-doctor: a read-only check of each configured directory (credentials, API access,
// permissions and roles, domain, quota headroom), from the host's own configuration. It changes
// nothing: every check is a read (the connectors' `diagnose`).
import * as E from 'fp-ts/lib/Either.js';
import type { AccessCheck, ConnectorLogger } from '@takeover/connector-kit';
import { describeConnectorError, silentLogger } from '@takeover/connector-kit';
import { describeConfigErrors, loadConfig } from '../config.js';
import type { DirectorySetup } from '../wiring/directories.js';
import { googleDirectory, microsoftDirectory } from '../wiring/directories.js';

export interface DirectoryReport {
  readonly name: string;
  readonly mode: 'emulator' | 'real';
  /** The checks, or why the directory could not be asked at all. */
  readonly checks: ReadonlyArray<AccessCheck>;
  readonly unreachable?: string;
}

export interface DoctorReport {
  readonly directories: ReadonlyArray<DirectoryReport>;
  /** Something is missing, or a directory could not be asked: the exit code is 1. */
  readonly problems: number;
}

const mark = (c: AccessCheck): string => (c.status === 'ok' ? 'ok     ' : c.status === 'missing' ? 'MISSING' : 'unknown');

/** The report as an operator reads it: one line per check, and under each that is not ok, what to do. */
export const renderReport = (report: DoctorReport): string => {
  const lines: string[] = [];
  for (const d of report.directories) {
    lines.push(`${d.name} (${d.mode === 'emulator' ? 'emulated: demo mode, no real tenant configured' : 'real tenant'})`);
    if (d.unreachable !== undefined) lines.push(`  UNREACHABLE  ${d.unreachable}`);
    for (const c of d.checks) {
      lines.push(`  ${mark(c)}  ${c.area}: ${c.name} — ${c.detail}`);
      if (c.status !== 'ok' && c.fix !== undefined) lines.push(`           fix: ${c.fix}`);
    }
  }
  lines.push('', report.problems === 0 ? 'Nothing missing.' : `${report.problems} problem(s): see "MISSING" and "UNREACHABLE" above.`);
  return lines.join('\n');
};

const diagnoseOne = async (setup: DirectorySetup): Promise<DirectoryReport> => {
  const name = `${setup.displayName} (${setup.domain})`;
  const r = await setup.connector.diagnose()();
  return E.isLeft(r)
    ? { name, mode: setup.mode, checks: [], unreachable: `${describeConnectorError(r.left)} (endpoint ${setup.endpoint})` }
    : { name, mode: setup.mode, checks: r.right };
};

/**
 * Checks every directory the configuration names with real credentials; emulated ones are listed
 * as such (the demo has nothing to check). Never writes to a directory.
 */
export const runDoctor = async (
  env: NodeJS.ProcessEnv,
  logger: ConnectorLogger = silentLogger,
): Promise<E.Either<string, DoctorReport>> => {
  const config = loadConfig(env);
  if (E.isLeft(config)) return E.left(describeConfigErrors(config.left));
  const setups: DirectorySetup[] = [];
  if (config.right.google.mode === 'real') setups.push(googleDirectory(config.right.google, undefined, logger));
  if (config.right.microsoft.mode === 'real') setups.push(microsoftDirectory(config.right.microsoft, undefined, logger));
  const directories = await Promise.all(setups.map(diagnoseOne));
  const emulated = [
    ...(config.right.google.mode === 'emulator' ? [{ name: 'Google Workspace', mode: 'emulator' as const, checks: [] }] : []),
    ...(config.right.microsoft.mode === 'emulator' ? [{ name: 'Microsoft 365', mode: 'emulator' as const, checks: [] }] : []),
  ];
  const problems = directories.reduce(
    (n, d) => n + (d.unreachable === undefined ? 0 : 1) + d.checks.filter((c) => c.status === 'missing').length,
    0,
  );
  return E.right({ directories: [...directories, ...emulated], problems });
};
