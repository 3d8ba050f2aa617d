// The directories the rule tests run against: in memory (fast, with the kit's reference directory),
// and the emulators through the real Google and Entra connectors.
import { startEntraEmulator, startGoogleEmulator } from '@takeover/directory-emulators';
import { googleConnectorForEmulator, googleTarget } from '@takeover/connector-google-workspace/testing';
import { entraConnectorForEmulator, entraTarget } from '@takeover/connector-microsoft-entra/testing';
import type { Directories } from './world.js';

// Generous: no test here may fail because a loaded machine answered slowly (tests of timeouts inject their own).
const TIMEOUT_MS = 30_000;

export const emulatorDirectories = async (): Promise<Directories> => {
  const google = await startGoogleEmulator({ scryptN: 1024 });
  const entra = await startEntraEmulator({ scryptN: 1024 });
  return {
    google: {
      connector: googleConnectorForEmulator(google, { timeoutMs: TIMEOUT_MS }),
      target: googleTarget(google, TIMEOUT_MS),
      close: google.close,
    },
    m365: {
      connector: entraConnectorForEmulator(entra, { timeoutMs: TIMEOUT_MS }),
      target: entraTarget(entra, TIMEOUT_MS),
      close: entra.close,
    },
  };
};

export const backends: ReadonlyArray<readonly [string, () => Promise<Directories | undefined>]> = [
  ['in-memory directories', () => Promise.resolve(undefined)],
  ['the emulators, through the real Google and Entra connectors', emulatorDirectories],
];
