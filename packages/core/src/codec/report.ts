import type * as t from 'io-ts';

/** One field that failed to decode: where (`path`), and what is wrong in words (`message`, quoting what was there, abbreviated). */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

interface Described {
  readonly _tag?: string;
  readonly name: string;
  readonly keys?: Record<string, unknown>;
  readonly value?: unknown;
}

const expected = (type: Described): string => {
  switch (type._tag) {
    case 'StringType':
      return 'expected a string';
    case 'NumberType':
      return 'expected a number';
    case 'BooleanType':
      return 'expected true or false';
    case 'LiteralType':
      return `expected ${JSON.stringify(type.value)}`;
    case 'KeyofType':
      return `expected one of ${Object.keys(type.keys ?? {})
        .map((k) => JSON.stringify(k))
        .join(', ')}`;
    case 'InterfaceType':
    case 'PartialType':
    case 'IntersectionType':
      return 'expected an object';
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return 'expected an array';
    default:
      return `expected ${type.name}`;
  }
};

const show = (u: unknown): string => {
  const s = JSON.stringify(u) ?? typeof u;
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

const pathOf = (root: string, context: t.Context): string => {
  let path = root;
  for (let i = 1; i < context.length; i++) {
    const parent = context[i - 1]?.type as Described | undefined;
    const key = context[i]?.key ?? '';
    if (parent?._tag === 'UnionType' || parent?._tag === 'IntersectionType' || key === '') continue;
    path += parent?._tag === 'ArrayType' || parent?._tag === 'ReadonlyArrayType' ? `[${key}]` : `.${key}`;
  }
  return path;
};

/**
 * io-ts errors as readable problems, e.g. `UserBound.data.directoryId: expected a non-empty
 * string, got 42`. A union's alternatives at the same path are merged into one "or".
 */
export const problemsOf = (errors: t.Errors, root: string): ReadonlyArray<FieldProblem> => {
  const byPath = new Map<string, { reasons: string[]; value: unknown }>();
  for (const e of errors) {
    const last = e.context[e.context.length - 1];
    const path = pathOf(root, e.context);
    const reason = e.message ?? expected((last?.type ?? { name: 'a value' }) as Described);
    const entry = byPath.get(path) ?? { reasons: [], value: e.value };
    if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    byPath.set(path, entry);
  }
  return [...byPath].map(([path, { reasons, value }]) => ({
    path,
    message: value === undefined ? `missing (${reasons.join(' or ')})` : `${reasons.join(' or ')}, got ${show(value)}`,
  }));
};

export const describeProblems = (problems: ReadonlyArray<FieldProblem>): string =>
  problems.map((p) => `${p.path}: ${p.message}`).join('; ');
