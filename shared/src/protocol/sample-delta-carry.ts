import { isRecord } from './sample-delta.js';

// The sample a connection writing changes carries to its next frame (decision 0041), kept compact.
// As parsed objects a sample of ~1.2 KB of JSON weighs ~1.8 KB per connection: ten objects of four
// in-object slots whose other fields spill into a property array, and every figure above 2^30 (byte
// counts, times) a 16-byte heap number; and it is replaced every report after living a whole
// interval, so each report also promotes it to the old generation as garbage. Here it is a shape
// (keys, strings, list lengths: what rarely changes, shared by every connection whose sample has it)
// and its figures, unboxed in one array overwritten in place while the shape stays the same. The
// sample is rebuilt from them when the next frame comes: new objects the rebuild uses and drops.

type Json = Record<string, unknown>;

/**
 * What a carried value is, figures left out (they are in the figures' array, in walk order). Each
 * shape is interned (`id` names it), so its parts are shared too: every connection whose memory
 * section has the same keys carries one memory shape, whatever its mounts.
 */
type Shape =
  | { readonly kind: 'number'; readonly id: number }
  | { readonly kind: 'literal'; readonly id: number; readonly value: unknown }
  | { readonly kind: 'array'; readonly id: number; readonly items: readonly Shape[] }
  | {
      readonly kind: 'object';
      readonly id: number;
      readonly keys: readonly string[];
      readonly items: readonly Shape[];
    };

const NUMBER: Shape = { kind: 'number', id: 0 };

/**
 * Shapes by what they are made of (their kind, keys or literal, and their parts' ids), held weakly:
 * a shape no connection carries any more goes with its last carrier, so the table holds nothing
 * no connection does. A cache of immutable values, hence module-wide.
 */
const shapes = new Map<string, WeakRef<Shape>>();
const forget = new FinalizationRegistry<string>((key) => {
  if (shapes.get(key)?.deref() === undefined) shapes.delete(key);
});
let lastId = 0;

const idsOf = (items: readonly Shape[]) => items.map((item) => item.id).join(',');

function intern(key: string, make: (id: number) => Shape): Shape {
  const known = shapes.get(key)?.deref();
  if (known !== undefined) return known;
  const shape = make(++lastId);
  shapes.set(key, new WeakRef(shape));
  forget.register(shape, key);
  return shape;
}

/**
 * The shape of `value`, its figures appended to `figures` in walk order. `was` is the shape carried
 * before at this place: a part that still fits is taken as it is (a slow cycle's services section
 * coming and going reshapes the sample, not its other sections).
 */
function shapeOf(value: unknown, figures: number[], was: Shape | undefined): Shape {
  if (was !== undefined) {
    const start = figures.length;
    if (fill(was, value, figures, start) >= 0) return was;
    figures.length = start;
  }
  if (typeof value === 'number') {
    figures.push(value);
    return NUMBER;
  }
  if (Array.isArray(value)) {
    const old = was?.kind === 'array' ? was.items : undefined;
    const items = value.map((item, i) => shapeOf(item, figures, old?.[i]));
    return intern(`a${idsOf(items)}`, (id) => ({ kind: 'array', id, items }));
  }
  if (isRecord(value)) {
    const keys = Object.keys(value);
    const old = was?.kind === 'object' ? was : undefined;
    const items = keys.map((key) => {
      const at = old === undefined ? -1 : old.keys.indexOf(key);
      return shapeOf(value[key], figures, at < 0 ? undefined : old?.items[at]);
    });
    return intern(`o${JSON.stringify(keys)}${idsOf(items)}`, (id) => ({ kind: 'object', id, keys, items }));
  }
  // undefined never comes from JSON; it is told apart from null all the same.
  return intern(value === undefined ? 'u' : `l${JSON.stringify(value)}`, (id) => ({
    kind: 'literal',
    id,
    value,
  }));
}

/**
 * Writes the figures of `value` into `figures` from `at` if `value` has `shape`; the index after
 * them, or -1 when the shape differs (then what was written is meaningless).
 */
function fill(shape: Shape, value: unknown, figures: number[], at: number): number {
  switch (shape.kind) {
    case 'number':
      if (typeof value !== 'number') return -1;
      figures[at] = value;
      return at + 1;
    case 'literal':
      return value === shape.value ? at : -1;
    case 'array': {
      const items = shape.items;
      if (!Array.isArray(value) || value.length !== items.length) return -1;
      for (let i = 0; i < items.length && at >= 0; i++) at = fill(items[i] as Shape, value[i], figures, at);
      return at;
    }
    case 'object': {
      if (!isRecord(value)) return -1;
      const { keys, items } = shape;
      let i = 0;
      for (const key in value) {
        if (i >= keys.length || keys[i] !== key) return -1;
        at = fill(items[i] as Shape, value[key], figures, at);
        if (at < 0) return -1;
        i++;
      }
      return i === keys.length ? at : -1;
    }
  }
}

/** The value `shape` and `figures` stand for, new objects throughout; `next` is the figure read next. */
function build(shape: Shape, figures: readonly number[], next: { at: number }): unknown {
  switch (shape.kind) {
    case 'number':
      return figures[next.at++];
    case 'literal':
      return shape.value;
    case 'array':
      return shape.items.map((item) => build(item, figures, next));
    case 'object': {
      const out: Json = {};
      const { keys, items } = shape;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        const value = build(items[i] as Shape, figures, next);
        // An own `__proto__` (JSON.parse makes one) stays an own key, not the prototype.
        if (key === '__proto__')
          Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        else out[key] = value;
      }
      return out;
    }
  }
}

/** One connection's carried sample: a shared shape and its own figures. */
export class CarriedSample {
  private shape: Shape | undefined;
  private figures: number[] = [];
  // The shape carried before this one: the slow cycle's sections come and go, so a sample often
  // takes back the shape it had two samples ago (tried before making one).
  private before: Shape | undefined;

  /** Carry `sample` (a record) instead of what was carried; the same shape keeps its array. */
  keep(sample: Json): void {
    const shape = this.shape;
    if (shape !== undefined && fill(shape, sample, this.figures, 0) === this.figures.length) return;
    const figures: number[] = [];
    const before = this.before;
    let next = before !== undefined && fill(before, sample, figures, 0) >= 0 ? before : undefined;
    if (next === undefined) {
      figures.length = 0;
      next = shapeOf(sample, figures, shape);
    }
    this.shape = next;
    this.before = shape;
    this.figures = figures;
  }

  drop(): void {
    this.shape = undefined;
    this.before = undefined;
    this.figures = [];
  }

  /** The carried sample as new objects, or undefined when nothing is carried. */
  sample(): Json | undefined {
    return this.shape === undefined ? undefined : (build(this.shape, this.figures, { at: 0 }) as Json);
  }
}
