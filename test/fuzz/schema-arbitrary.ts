import fc from 'fast-check';

/** The part of JSON Schema (as zod's toJSONSchema writes it) the generator reads. */
export interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
}

export interface SchemaArbitraryOptions {
  /** strings that name things the cluster has (datasets, columns, models, aliases) so some requests reach deep */
  words: string[];
  /** keys for open records (`{}` schemas of objects, e.g. hyperparameters) and the values that hurt under them */
  recordKeys: string[];
}

/** `arb` with probability `p`, else null. */
export function maybe<T>(arb: fc.Arbitrary<T>, p: number): fc.Arbitrary<T | null> {
  const w = Math.round(p * 100);
  return fc.oneof({ arbitrary: arb, weight: w }, { arbitrary: fc.constant(null), weight: 100 - w });
}

/** Values no schema wants: wrong types, numbers past every bound, huge, deep and odd strings. */
export function hostileValue(): fc.Arbitrary<unknown> {
  const deep = fc.integer({ min: 20, max: 200 }).map((n) => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = i % 2 ? { a: v } : [v];
    return v;
  });
  return fc.oneof(
    fc.constantFrom(null, true, false, 0, -1, -0, 1e308, -1e308, 1e-300, 2 ** 53 + 1, 1e21, 0.5, '', ' ', 'NaN', 'Infinity', '-1', '1e999', '__proto__', 'constructor', '\u0000', '\ud800', '\u202e', '../../etc/passwd', '$where', '{"$gt":""}'),
    fc.double(),
    fc.integer(),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.integer({ min: 1000, max: 200_000 }).map((n) => 'x'.repeat(n)),
    fc.integer({ min: 100, max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
    fc.constant({ $gt: '' }),
    fc.constant({ __proto__: { polluted: 1 } }),
    deep,
    fc.jsonValue({ maxDepth: 3 }),
  );
}

function numberArbitrary(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : 1e-9) : undefined);
  const hi = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - (integer ? 1 : 1e-9) : undefined);
  const min = Math.max(lo ?? -1e6, -1e6);
  const max = Math.min(hi ?? 1e6, Math.max(min, 1e6));
  const inside = integer ? fc.integer({ min: Math.ceil(min), max: Math.floor(Math.max(min, Math.min(max, 2 ** 31 - 1))) }) : fc.double({ min, max, noNaN: true });
  // the edges and just past them
  const edges = [lo, hi, lo !== undefined ? lo - 1 : -1, hi !== undefined ? hi + 1 : 1e12, lo !== undefined ? lo - 1e-9 : 0].filter((x): x is number => x !== undefined && Number.isFinite(x));
  return fc.oneof({ arbitrary: inside, weight: 4 }, { arbitrary: fc.constantFrom(...edges), weight: 2 }, { arbitrary: fc.constantFrom(1e12, -1e12, 0.5, 1e308), weight: 1 });
}

function stringArbitrary(s: JsonSchema, o: SchemaArbitraryOptions): fc.Arbitrary<string> {
  const options: Array<fc.WeightedArbitrary<string>> = [
    { arbitrary: fc.constantFrom(...o.words), weight: 5 },
    { arbitrary: fc.string({ maxLength: 20 }), weight: 2 },
  ];
  if (s.pattern) options.push({ arbitrary: fc.stringMatching(new RegExp(s.pattern)), weight: 3 });
  if (s.maxLength !== undefined) options.push({ arbitrary: fc.constant('y'.repeat(s.maxLength + 1)), weight: 1 });
  return fc.oneof(...options);
}

/**
 * Values for a JSON Schema, mostly valid and often not: every node is, now
 * and then, a hostile value instead, a number at or past its bounds, a string
 * past its length, a required key left out or an unknown one added.
 */
export function arbitraryFrom(schema: JsonSchema, o: SchemaArbitraryOptions, depth = 0): fc.Arbitrary<unknown> {
  const valid = validArbitrary(schema, o, depth);
  return fc.oneof({ arbitrary: valid, weight: 9 }, { arbitrary: hostileValue(), weight: 1 });
}

function validArbitrary(s: JsonSchema, o: SchemaArbitraryOptions, depth: number): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.jsonValue({ maxDepth: 1 });
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((a) => arbitraryFrom(a, o, depth + 1)));
  if (s.allOf?.length) return arbitraryFrom(s.allOf[0], o, depth + 1);
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((t) => validArbitrary({ ...s, type: t }, o, depth)));
  switch (types[0]) {
    case 'string':
      return stringArbitrary(s, o);
    case 'integer':
      return numberArbitrary(s, true);
    case 'number':
      return numberArbitrary(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (s.prefixItems) return fc.tuple(...s.prefixItems.map((p) => arbitraryFrom(p, o, depth + 1)));
      const item = s.items ? arbitraryFrom(s.items, o, depth + 1) : fc.jsonValue({ maxDepth: 2 });
      const minLength = s.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(s.maxItems !== undefined ? s.maxItems + 1 : 6, 8));
      return fc.array(item, { minLength: Math.max(0, minLength - 1), maxLength });
    }
    case 'object':
      return objectArbitrary(s, o, depth);
    default:
      return fc.oneof(fc.constantFrom(...o.words), fc.jsonValue({ maxDepth: 2 }), hostileValue());
  }
}

function objectArbitrary(s: JsonSchema, o: SchemaArbitraryOptions, depth: number): fc.Arbitrary<unknown> {
  const props = s.properties ?? {};
  const names = Object.keys(props);
  if (names.length === 0) {
    // an open record: keys the cluster knows (hyperparameter names and the like) with values of every kind
    const value = s.additionalProperties && typeof s.additionalProperties === 'object' && Object.keys(s.additionalProperties).length
      ? arbitraryFrom(s.additionalProperties, o, depth + 1)
      : fc.oneof(fc.integer({ min: -10, max: 10_000 }), fc.double({ noNaN: true }), fc.constantFrom(...o.words), fc.array(fc.integer({ min: -5, max: 100_000 }), { maxLength: 4 }), hostileValue());
    return fc.dictionary(fc.oneof({ arbitrary: fc.constantFrom(...o.recordKeys), weight: 4 }, { arbitrary: fc.string({ maxLength: 12 }), weight: 1 }), value, { maxKeys: 6 });
  }
  const required = new Set(s.required ?? []);
  const record = fc.record(
    Object.fromEntries(names.map((n) => [n, arbitraryFrom(props[n], o, depth + 1)])),
    { requiredKeys: names.filter((n) => required.has(n)) },
  );
  return fc
    .tuple(record, maybe(fc.constantFrom(...names), 0.1), maybe(fc.tuple(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 })), 0.1))
    .map(([r, drop, extra]) => {
      const out: Record<string, unknown> = { ...(r as Record<string, unknown>) };
      if (drop !== null) delete out[drop];
      if (extra !== null) out[extra[0]] = extra[1];
      return out;
    });
}
