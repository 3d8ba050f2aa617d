// The error an awaited client call rejected with, as plain data for assertions.
export interface ClientFailure {
  readonly message: string;
  readonly code?: unknown;
  readonly status?: number;
  readonly statusCode?: number;
  readonly body?: unknown;
  readonly response?: { readonly status: number; readonly data: unknown; readonly headers?: unknown };
  readonly headers?: unknown;
}

export const failure = async (p: Promise<unknown>): Promise<ClientFailure> => {
  try {
    await p;
  } catch (e) {
    return e as ClientFailure;
  }
  throw new Error('expected the call to fail');
};
