// The two silent mistakes the engine's API invites, which `scripts/pack-check.sh` lints in the
// consumer project: both type-check; the first never runs the command, the second never looks at its
// answer (a refusal goes unseen). The check fails unless lint reports
// each one (`@typescript-eslint/await-thenable`, `@typescript-eslint/no-floating-promises`).
import type { UserCommand } from '@takeover/core';
import type { Engine } from '@takeover/engine';

export const forgotten = async (engine: Engine, command: UserCommand): Promise<void> => {
  await engine.execute(command); // the TaskEither is awaited, never called: nothing happens
  engine.run(command); // the Promise is dropped: its Left (a refusal) is never seen
};
