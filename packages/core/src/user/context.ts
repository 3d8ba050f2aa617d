import type { Directories } from '../directory/state.js';
import type { PasswordCheckHooks } from '../policy/check.js';
import type { PasswordPolicy } from '../policy/passwordPolicy.js';

/**
 * What the user decider needs beyond the user's own stream, passed in so `decide` stays pure: the
 * connected directories (folded from their streams), the platform's own password policy, the
 * banned-password hook, and the lease a `PushStarted` holds.
 */
export interface UserContext {
  readonly directories: Directories;
  readonly platform?: {
    /** How the platform calls itself in messages (default "This portal"). */
    readonly name?: string;
    /** The platform's own password rules (default `defaultPlatformPasswordPolicy`). */
    readonly passwordPolicy?: PasswordPolicy;
  };
  readonly passwordHooks?: PasswordCheckHooks;
  /** How long a push in flight holds its lease before another instance may take it over (default 2 minutes). */
  readonly leaseMs?: number;
}
