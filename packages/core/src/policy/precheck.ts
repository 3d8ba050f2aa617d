import type { DirectoryId } from '../ids.js';
import type { Secret } from '../secret.js';
import type { PasswordCheckHooks } from './check.js';
import { checkPassword } from './check.js';
import { describeRejection } from './describe.js';
import type { PasswordPolicy } from './passwordPolicy.js';
import type { Violation } from './violations.js';

/** A policy a new password must satisfy: the platform's own, or a bound directory's. */
export interface PolicyTarget {
  readonly directoryId?: DirectoryId;
  /** How the user knows it: "Microsoft 365 (contoso.com)", "This portal". */
  readonly label: string;
  readonly policy: PasswordPolicy;
}

export interface TargetRejection {
  readonly directoryId?: DirectoryId;
  readonly label: string;
  readonly violations: ReadonlyArray<Violation>;
  readonly message: string;
}

/** Checks the password against every target; one rejection per target that would refuse it. */
export const precheckPassword = (
  password: Secret,
  targets: ReadonlyArray<PolicyTarget>,
  hooks: PasswordCheckHooks = {},
): ReadonlyArray<TargetRejection> =>
  targets.flatMap((target) => {
    const violations = checkPassword(target.policy, password, hooks);
    if (violations.length === 0) return [];
    const message = describeRejection(target.label, violations);
    return [
      target.directoryId === undefined
        ? { label: target.label, violations, message }
        : { directoryId: target.directoryId, label: target.label, violations, message },
    ];
  });
