#!/usr/bin/env node
// The `takeover-emulators` command (package.json `bin`): runs until interrupted.
import * as E from 'fp-ts/lib/Either.js';
import { runEmulators } from './cli/run.js';

const main = async (): Promise<void> => {
  const r = await runEmulators(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`));
  if (E.isLeft(r)) {
    process.stderr.write(`${r.left.message}\n`);
    process.exitCode = 2;
    return;
  }
  const stop = (): void => {
    void r.right.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
};

void main();
