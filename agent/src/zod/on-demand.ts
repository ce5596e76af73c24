import type { z as Zod } from 'zod';

// zod built only when a schema is first used, for the single-file bundle (decision 0039).
//
// Every module of `@vigie/shared` the agent imports builds its zod schemas when it is loaded: the
// policy's, the hub's messages', the sample's, with zod itself, ~3 MiB of the agent's resident
// memory for schemas its steady cycle never runs (it checks what it reads with hand-written checks
// and calls zod only when one says no). The bundle resolves `zod` in those modules to this stand-in:
// a builder call (`z.object(...)`, `.optional()`, `.extend(...)`) records what to build and returns
// a placeholder; the first use of a schema (`safeParse`, `parse`, `shape`, anything not a builder)
// loads zod, builds the schema from the recorded calls, keeps it, and answers as zod does. A schema
// is then exactly the one the module would have built (same calls, same arguments, same order of
// `z.config`), only later. The dist build and the tests import zod itself.

/** Methods of a zod schema that return another schema: recorded, not run. */
const SCHEMA_BUILDERS = new Set([
  'optional',
  'nullable',
  'nullish',
  'min',
  'max',
  'length',
  'int',
  'regex',
  'refine',
  'superRefine',
  'extend',
  'default',
  'prefault',
  'array',
  'describe',
  'meta',
  'transform',
  'pipe',
  'or',
  'and',
  'catch',
  'brand',
  'readonly',
  'startsWith',
  'endsWith',
  'includes',
  'trim',
  'toLowerCase',
  'toUpperCase',
  'gt',
  'gte',
  'lt',
  'lte',
  'positive',
  'nonnegative',
  'negative',
  'nonpositive',
  'finite',
  'multipleOf',
  'nonempty',
  'pick',
  'omit',
  'partial',
  'required',
  'strict',
  'passthrough',
  'strip',
  'catchall',
  'check',
]);

/** Functions of the `z` namespace that build a schema: recorded, not run. */
const Z_BUILDERS = new Set([
  'object',
  'strictObject',
  'looseObject',
  'string',
  'number',
  'int',
  'boolean',
  'bigint',
  'date',
  'literal',
  'enum',
  'array',
  'tuple',
  'record',
  'union',
  'discriminatedUnion',
  'intersection',
  'preprocess',
  'unknown',
  'any',
  'never',
  'null',
  'undefined',
  'void',
  'optional',
  'nullable',
  'lazy',
  'custom',
  'url',
  'email',
  'uuid',
  'startsWith',
  'endsWith',
]);

/** Namespaces of `z` whose functions build schemas (`z.iso.datetime()`, `z.coerce.number()`). */
const Z_NAMESPACES = new Set(['iso', 'coerce']);

type Build = () => unknown;

const BUILD = Symbol('build');

interface Pending {
  readonly [BUILD]: Build;
}

function isPending(value: unknown): value is Pending {
  return typeof value === 'function' && (value as Partial<Pending>)[BUILD] !== undefined;
}

/** `value` with every placeholder in it (in arrays and plain objects, deeply) built; same object if none. */
function built(value: unknown): unknown {
  if (isPending(value)) return value[BUILD]();
  if (Array.isArray(value)) {
    const items = value.map(built);
    return items.some((item, index) => item !== value[index]) ? items : value;
  }
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    let changed = false;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] = built(item);
      if (copy[key] !== item) changed = true;
    }
    return changed ? copy : value;
  }
  return value;
}

/** A schema not built yet: builder calls on it are recorded; anything else builds it and goes to it. */
function pending(build: Build): unknown {
  let schema: unknown;
  let done = false;
  const force = () => {
    if (!done) {
      schema = build();
      done = true;
    }
    return schema;
  };
  // A function target, so a placeholder is never mistaken for a plain object by `built`.
  const target = Object.assign(() => undefined, { [BUILD]: force });
  return new Proxy(target, {
    get(_, key) {
      if (key === BUILD) return force;
      if (typeof key === 'string' && SCHEMA_BUILDERS.has(key) && !done)
        return (...args: unknown[]) =>
          pending(() => {
            const schema = force() as Record<string, (...a: unknown[]) => unknown>;
            return (schema[key] as (...a: unknown[]) => unknown).apply(schema, args.map(built));
          });
      const real = force() as Record<string | symbol, unknown>;
      const member = real[key];
      return typeof member === 'function' ? member.bind(real) : member;
    },
    has: (_, key) => key in (force() as object),
  });
}

/**
 * A stand-in for zod's `z` that loads zod (`load`) at the first use of a schema, never before.
 * `z.config` calls are replayed, in order, before anything is built.
 */
export function createOnDemandZod(load: () => typeof Zod): typeof Zod {
  let real: typeof Zod | undefined;
  const configs: unknown[][] = [];
  const zod = (): typeof Zod => {
    if (!real) {
      real = load();
      for (const args of configs) (real.config as (...a: unknown[]) => unknown)(...args);
    }
    return real;
  };
  const call = (path: readonly string[], args: unknown[]) =>
    pending(() => {
      let owner: Record<string, unknown> = zod() as unknown as Record<string, unknown>;
      for (const part of path.slice(0, -1)) owner = owner[part] as Record<string, unknown>;
      const fn = owner[path.at(-1) as string] as (...a: unknown[]) => unknown;
      return fn.apply(owner, args.map(built));
    });
  const namespace = (name: string) =>
    new Proxy(
      {},
      {
        get: (_, key) =>
          typeof key === 'string'
            ? (...args: unknown[]) => call([name, key], args)
            : (zod() as unknown as Record<string, Record<symbol, unknown>>)[name]?.[key],
      },
    );
  return new Proxy({} as typeof Zod, {
    get(_, key) {
      if (key === 'config')
        return (...args: unknown[]) => {
          if (real) return (real.config as (...a: unknown[]) => unknown)(...args);
          configs.push(args);
          return undefined;
        };
      if (typeof key === 'string' && !real) {
        if (Z_BUILDERS.has(key)) return (...args: unknown[]) => call([key], args);
        if (Z_NAMESPACES.has(key)) return namespace(key);
      }
      return (zod() as unknown as Record<string | symbol, unknown>)[key];
    },
  });
}
