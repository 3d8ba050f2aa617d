// When the test run has completed but the process does not end, names what holds it open, then ends
// the process with jest's own result instead of hanging until CI's time limit.
//
// On a two-core machine jest runs every test file in its own process (`maxWorkers` is cores − 1 = 1,
// so it runs in band): a socket, server, child process or timer that one test file leaves behind
// keeps `npm test` alive after the last summary line. Jest's own hint (`--detectOpenHandles`) means a
// second, slower run that may not leak again. This reporter lists the live handles of the process
// itself — child processes with their command line, sockets and servers with their addresses, the
// count of each kind of resource — a few seconds after the run, then ends the process with the
// run's exit code (what `--forceExit` does, but only after saying what leaked). With TAKEOVER_JEST_HANDLES=1 it also records where each timer, socket, server and child
// process was created (an async_hooks hook; it slows promise-heavy tests, so it is opt-in) and prints
// those stacks for the ones still holding the process.
const asyncHooks = require('node:async_hooks');

const REPORT_AFTER_MS = 5_000;
const EXIT_AFTER_MS = 30_000;
const tracked = new Set([
  'Timeout',
  'TCPWRAP',
  'TCPSERVERWRAP',
  'PIPEWRAP',
  'PIPESERVERWRAP',
  'PROCESSWRAP',
  'UDPWRAP',
  'SIGNALWRAP',
  'FSEVENTWRAP',
]);

const describeHandle = (handle) => {
  const kind = handle?.constructor?.name ?? typeof handle;
  try {
    if (kind === 'ChildProcess') return `child process ${String(handle.pid)}: ${(handle.spawnargs ?? []).join(' ')}`;
    if (kind === 'Server') return `server listening on ${JSON.stringify(handle.address())}`;
    if (kind === 'Socket') {
      if (handle.remotePort !== undefined)
        return `socket ${String(handle.localAddress)}:${String(handle.localPort)} → ${String(handle.remoteAddress)}:${String(handle.remotePort)}`;
      return `socket (pipe${handle === process.stdout ? ', stdout' : handle === process.stderr ? ', stderr' : handle === process.stdin ? ', stdin' : ''})`;
    }
  } catch (error) {
    return `${kind} (${error instanceof Error ? error.message : String(error)})`;
  }
  return kind;
};

class OpenHandlesReporter {
  constructor() {
    this.created = new Map();
    if (process.env.TAKEOVER_JEST_HANDLES === '1') {
      const created = this.created;
      this.hook = asyncHooks
        .createHook({
          init(asyncId, type, _triggerAsyncId, resource) {
            if (!tracked.has(type)) return;
            const where = {};
            const limit = Error.stackTraceLimit;
            Error.stackTraceLimit = 40; // past node's and jest's frames to the test's own
            Error.captureStackTrace(where);
            Error.stackTraceLimit = limit;
            created.set(asyncId, { type, resource: new WeakRef(resource), where });
          },
          destroy(asyncId) {
            created.delete(asyncId);
          },
        })
        .enable();
    }
  }

  onRunComplete() {
    this.hook?.disable();
    const report = setTimeout(() => {
      const lines = [`The test run has completed but the process is still open after ${String(REPORT_AFTER_MS / 1000)} s. What holds it:`];
      lines.push(`  resources: ${process.getActiveResourcesInfo().join(', ')}`);
      for (const handle of process._getActiveHandles()) {
        if (handle === process.stdout || handle === process.stderr || handle === process.stdin) continue;
        lines.push(`  ${describeHandle(handle)}`);
      }
      let elsewhere = 0;
      for (const { type, resource, where } of this.created.values()) {
        const live = resource.deref();
        if (live === undefined || (typeof live.hasRef === 'function' && !live.hasRef())) continue;
        const frames = String(where.stack)
          .split('\n')
          .slice(1)
          .filter((line) => !/node:|\/node_modules\/|jest-open-handles|\(<anonymous>\)$/.test(line))
          .slice(0, 8);
        if (frames.length === 0) elsewhere += 1;
        else lines.push(`  ${type} created at\n${frames.join('\n')}`);
      }
      if (elsewhere > 0) lines.push(`  and ${String(elsewhere)} created by node or node_modules alone (no frame of ours)`);
      if (this.created.size === 0) lines.push('  (set TAKEOVER_JEST_HANDLES=1 to record where each of them was created)');
      lines.push(
        `LEAKED HANDLES: a test left these open. The process ends in ${String((EXIT_AFTER_MS - REPORT_AFTER_MS) / 1000)} s with the run's result unless they close first.`,
      );
      process.stderr.write(`\n${lines.join('\n')}\n`);
    }, REPORT_AFTER_MS);
    report.unref();
    const end = setTimeout(() => {
      process.stderr.write(
        `\nThe test run completed ${String(EXIT_AFTER_MS / 1000)} s ago; the handles listed above still hold the process: ending it (exit code ${String(process.exitCode ?? 0)}, the run's).\n`,
      );
      process.exit();
    }, EXIT_AFTER_MS);
    end.unref();
  }
}
module.exports = OpenHandlesReporter;
