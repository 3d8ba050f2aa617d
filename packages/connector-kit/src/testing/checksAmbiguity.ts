import { ok as assert, strictEqual } from 'node:assert';
import type { ConformanceCheck } from './run.js';
import { fail } from './run.js';

/** How far the directory's clock may be behind ours when it stamps a password change. */
const CLOCK_SKEW_MS = 5_000;

export const ambiguityChecks: ReadonlyArray<ConformanceCheck> = [
  {
    name: 'an ambiguous password set can be resolved: `ask` connectors read when the password last changed',
    run: async ({ connector, seed, ok, newPassword }) => {
      if (connector.capabilities.ambiguousPasswordSet === 'resend') {
        strictEqual(connector.lastPasswordChange, undefined, 'a `resend` connector has no lastPasswordChange to be trusted on');
        return;
      }
      const read = connector.lastPasswordChange;
      if (read === undefined) return fail('ambiguousPasswordSet is `ask` but the connector has no lastPasswordChange');
      const u = await seed('ambiguity');
      const before = Date.now();
      await ok(connector.push({ externalId: u.id, password: newPassword().secret }));
      const changed = await ok(read(u.id));
      assert(changed !== null, 'after a password set the directory has a time for it');
      assert(
        changed.getTime() >= before - CLOCK_SKEW_MS,
        `the change is dated at or after the set (${changed.toISOString()} vs ${new Date(before).toISOString()})`,
      );
      await ok(connector.push({ externalId: u.id, attributes: { givenName: 'Unchanged' } }));
      const again = await ok(read(u.id));
      strictEqual(again?.getTime(), changed.getTime(), 'an attribute-only push does not move the password change time');
    },
  },
  {
    name: 'diagnose finds nothing missing in a directory configured as the connector needs',
    run: async ({ connector, ok }) => {
      const checks = await ok(connector.diagnose());
      assert(checks.length > 0, 'diagnose reports at least one check');
      const missing = checks.filter((c) => c.status === 'missing');
      strictEqual(missing.length, 0, `nothing is missing: ${missing.map((c) => `${c.name}: ${c.detail}`).join('; ')}`);
      for (const c of checks)
        assert(c.status === 'ok' || (c.fix ?? '').length > 0 || c.detail.length > 0, `check ${c.name} says why it is not ok`);
    },
  },
];
