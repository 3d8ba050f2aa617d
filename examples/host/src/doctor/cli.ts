// `npx takeover-doctor`: prints what each configured directory is missing, and how to fix it; exits
// 1 when something is missing or a directory cannot be reached, 2 when the configuration is wrong.
import * as E from 'fp-ts/lib/Either.js';
import { renderReport, runDoctor } from './doctor.js';

const main = async (): Promise<number> => {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(
      'takeover-doctor: read-only checks of the directories the host is configured for (the same environment variables as npm start).\n' +
        'Exit codes: 0 nothing missing, 1 something missing or unreachable, 2 the configuration itself is wrong.\n',
    );
    return 0;
  }
  const report = await runDoctor(process.env);
  if (E.isLeft(report)) {
    process.stderr.write(`${report.left}\n`);
    return 2;
  }
  process.stdout.write(`${renderReport(report.right)}\n`);
  return report.right.problems === 0 ? 0 : 1;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`takeover-doctor failed: ${e instanceof Error ? e.name : 'unknown error'}\n`);
    process.exitCode = 1;
  },
);
