/**
 * A value that must never be written anywhere (rule R14): the plaintext password.
 *
 * It redacts itself wherever JavaScript turns values into text — `String(s)`, template strings,
 * `JSON.stringify`, `util.inspect` / `console.log`, and error messages built from it. The only way
 * to the value is an explicit `reveal`, which only a dispatcher (a connector, a hash function) calls.
 *
 * The value lives in a WeakMap rather than on the object, so neither enumeration, structured
 * cloning nor a debugger's property view of the object shows it. The map is shared through the
 * global symbol registry, so a `Secret` made by one copy of this package is recognised, revealed
 * and scrubbed by another (npm can install two copies; `instanceof` and module-private state would
 * then silently disagree). Code in the same process could reach the map either way: a secret in
 * memory is protected from being *written*, not from code we run.
 */
const registryKey = Symbol.for('@takeover/core/Secret.values');
type Registry = { [registryKey]?: WeakMap<object, string> };
const values: WeakMap<object, string> = ((globalThis as Registry)[registryKey] ??= new WeakMap<object, string>());

const REDACTED = '[redacted]';

/** `util.inspect.custom`, spelled as the registry symbol so core needs no `node:util` import. */
const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

export class Secret {
  private constructor(value: string) {
    values.set(this, value);
    Object.freeze(this);
  }

  /** Wraps a plaintext. The caller should drop its own reference to the string afterwards. */
  static of(value: string): Secret {
    return new Secret(value);
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspectCustom](): string {
    return `Secret(${REDACTED})`;
  }

  get [Symbol.toStringTag](): string {
    return 'Secret';
  }
}

/** The plaintext. Call it only where the value leaves for its one legitimate destination. */
export const reveal = (secret: Secret): string => {
  const value = values.get(secret);
  if (value === undefined) throw new TypeError('reveal: not a Secret created by Secret.of');
  return value;
};

/** Structural guard that survives duplicate copies of this package. */
export const isSecret = (u: unknown): u is Secret => typeof u === 'object' && u !== null && values.has(u);

export const REDACTED_TEXT = REDACTED;
