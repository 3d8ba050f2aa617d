// `npm start`: read the environment, build the application and its server, listen, and shut down
// gracefully on SIGINT/SIGTERM (stop accepting, let in-flight pushes finish within
// SHUTDOWN_DEADLINE_MS, exit 0; a second signal exits at once).
import * as E from 'fp-ts/lib/Either.js';
import { reveal } from '@takeover/core';
import { createHostApp } from './app/createHostApp.js';
import { testHooksFromEnv } from './app/testHooks.js';
import { describeConfigErrors, loadConfig } from './config.js';
import type { HostApp } from './app/hostApp.js';
import { buildServer } from './http/server.js';

const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

const fail = (text: string): never => {
  process.stderr.write(`${text}\n`);
  process.exit(1);
};

const banner = (app: HostApp): string => {
  const base = app.settings.publicUrl;
  const lines = [
    `${app.settings.platformName} is running at ${base}`,
    `  portal         ${base}/portal`,
    `  admin console  ${base}/admin`,
    ...(app.demo?.outbox === true ? [`  mail (outbox)  ${base}/mail  (demo mode: admin only; set SMTP_URL to send real mail)`] : []),
  ];
  if (app.firstStart !== undefined) {
    lines.push(
      '',
      'First start: the admin account was created. Its password is shown this once and stored only as a hash:',
      `  email     ${app.firstStart.adminEmail}`,
      `  password  ${reveal(app.firstStart.adminPassword)}`,
    );
  }
  return lines.join('\n');
};

const main = async (): Promise<void> => {
  // Since the process started: Node's own start and loading the host's modules (the static imports above).
  const modulesMs = Math.round(performance.now());
  const config = loadConfig(process.env);
  if (E.isLeft(config)) return fail(`The host cannot start; fix the environment:\n${describeConfigErrors(config.left)}`);

  const app = await createHostApp(config.right, { testHooks: testHooksFromEnv(process.env) }).catch((e: unknown) =>
    fail(`The host cannot start: ${e instanceof Error ? e.message : String(e)}`),
  );
  const appReadyAt = performance.now();
  const server = await buildServer(app, { trustProxy: config.right.trustProxy });

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting at once\n`);
      process.exit(1);
    }
    stopping = true;
    app.logger.info(
      { signal, deadlineMs: config.right.shutdownDeadlineMs },
      'shutting down: in-flight pushes may finish within the deadline',
    );
    // A last resort if closing hangs past the deadline (plus a margin for the stores to close).
    const hard = setTimeout(() => {
      process.stderr.write('shutdown took longer than the deadline: exiting\n');
      process.exit(1);
    }, config.right.shutdownDeadlineMs + 10_000);
    hard.unref();
    void (async () => {
      try {
        await server.close();
        await app.close(config.right.shutdownDeadlineMs);
        app.logger.info('stopped');
        process.exit(0);
      } catch (e) {
        process.stderr.write(`shutdown failed: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
      }
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    await server.listen({ port: app.settings.port, host: app.settings.host });
  } catch (e) {
    await app.close(0).catch(() => undefined);
    return fail(
      `The host cannot listen on ${app.settings.host}:${String(app.settings.port)} (PORT, HOST): ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const listeningAt = performance.now();
  app.logger.info(
    {
      startupMs: {
        modules: modulesMs,
        app: app.startupMs,
        server: Math.round(listeningAt - appReadyAt),
        total: Math.round(listeningAt),
      },
    },
    'listening',
  );
  out(banner(app));
};

void main().catch((e: unknown) => fail(`The host stopped: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
