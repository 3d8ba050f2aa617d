/**
 * The one logging interface connectors take (pino, console or the host's own fit behind it). A
 * connector logs what it did and what came back, never a request body: never a password.
 */
export interface ConnectorLogger {
  readonly debug: (message: string, fields?: Readonly<Record<string, unknown>>) => void;
  readonly info: (message: string, fields?: Readonly<Record<string, unknown>>) => void;
  readonly warn: (message: string, fields?: Readonly<Record<string, unknown>>) => void;
  readonly error: (message: string, fields?: Readonly<Record<string, unknown>>) => void;
}

const nothing = (): void => undefined;

export const silentLogger: ConnectorLogger = { debug: nothing, info: nothing, warn: nothing, error: nothing };
