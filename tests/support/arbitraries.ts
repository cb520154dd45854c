import fc from 'fast-check';
import { z } from 'zod';

// Payload generators for the property-based socket fuzz. Zod 4 writes each schema of
// shared/ as a JSON Schema (`z.toJSONSchema`, the input side); this file only maps that
// standard vocabulary onto fast-check's arbitraries. (zod-fast-check, the library for this,
// supports Zod 3 only.) Refinements that JSON Schema cannot express (the text policy,
// fingerprint formats) are not followed, so some "valid" payloads are refused: the fuzz
// checks answers, not acceptance.

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

/** Strings people and attackers type: scripts, emoji, marks, controls, overrides, surrogates. */
export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(
      'Evil \ud800',
      '\udc00',
      'a\u202Eb',
      '\u2066x\u2069',
      'nul\u0000',
      '\u001b[2J',
      'لجنة',
      'Комитет',
      '👩🏽‍⚖️',
      'e\u0301',
      '',
      ' ',
      'x'.repeat(9000),
      '__proto__',
      'constructor',
      '{"$gt":""}',
      '${7*7}',
      '<script>alert(1)</script>',
    ),
  );

/** Any JSON-ish value, hostile strings included. */
export const anyValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(null, undefined, true, false, 0, -1, 1e308, Number.NaN, -0, [], {}),
    fc.integer(),
    fc.double(),
    hostileString(),
    fc.array(fc.oneof(fc.integer(), hostileString()), { maxLength: 5 }),
    fc.dictionary(hostileString(), fc.oneof(fc.integer(), hostileString()), { maxKeys: 4 }),
  );

const MAX_STRING = 300;

function stringOf(s: JsonSchema): fc.Arbitrary<string> {
  if (s.format === 'uuid') {
    return fc.uuid({ version: 4 });
  }
  if (s.pattern !== undefined) {
    return fc.stringMatching(new RegExp(s.pattern));
  }
  const minLength = s.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(s.maxLength ?? MAX_STRING, MAX_STRING));
  return fc.string({ unit: 'grapheme', minLength, maxLength });
}

function numberOf(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : 1e-9) : undefined);
  const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - (integer ? 1 : 1e-9) : undefined);
  if (integer) {
    return fc.integer({
      min: Math.max(min ?? -1e9, Number.MIN_SAFE_INTEGER),
      max: Math.min(max ?? 1e9, Number.MAX_SAFE_INTEGER),
    });
  }
  return fc.double({ min: min ?? -1e9, max: max ?? 1e9, noNaN: true });
}

/** An arbitrary of values that satisfy `schema` (as far as JSON Schema says). */
export function fromJsonSchema(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) {
    return fc.constant(schema.const);
  }
  if (schema.enum !== undefined) {
    return fc.constantFrom(...schema.enum);
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives !== undefined) {
    return fc.oneof(...alternatives.map(fromJsonSchema));
  }
  if (schema.allOf !== undefined && schema.allOf[0] !== undefined) {
    return fromJsonSchema(schema.allOf[0]);
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const required = new Set(schema.required ?? []);
      const entries = Object.entries(schema.properties ?? {});
      const shape = Object.fromEntries(entries.map(([k, v]) => [k, fromJsonSchema(v)]));
      const optional = entries.map(([k]) => k).filter((k) => !required.has(k));
      if (entries.length === 0 && typeof schema.additionalProperties === 'object') {
        return fc.dictionary(stringOf({ maxLength: 20 }), fromJsonSchema(schema.additionalProperties), { maxKeys: 4 });
      }
      return fc.record(shape, { requiredKeys: [...required].filter((k) => k in shape) }).map((r) => {
        // fc.record leaves optional keys out at random already; keep the object plain.
        for (const k of optional) {
          if (r[k] === undefined) {
            delete r[k];
          }
        }
        return r;
      });
    }
    case 'array': {
      if (schema.prefixItems !== undefined) {
        return fc.tuple(...schema.prefixItems.map(fromJsonSchema));
      }
      return fc.array(schema.items ? fromJsonSchema(schema.items) : anyValue(), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 8, 8),
      });
    }
    case 'string':
      return stringOf(schema);
    case 'integer':
      return numberOf(schema, true);
    case 'number':
      return numberOf(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return anyValue();
  }
}

/** Valid inputs of a zod schema (its input side, as JSON Schema describes it). */
export function validPayload(schema: z.ZodType): fc.Arbitrary<unknown> {
  return fromJsonSchema(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
}

/**
 * Invalid inputs built from valid ones: a required key dropped, an unknown key added, one
 * field replaced by any value (hostile strings included), or no object at all.
 */
export function invalidPayload(schema: z.ZodType): fc.Arbitrary<unknown> {
  const valid = validPayload(schema);
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  return fc.oneof(
    anyValue(),
    fc.tuple(valid, hostileString(), anyValue()).map(([v, k, x]) => (isObject(v) ? { ...v, [`${k}_x`]: x } : x)),
    fc.tuple(valid, fc.nat(), anyValue()).map(([v, i, x]) => {
      if (!isObject(v)) {
        return x;
      }
      const keys = Object.keys(v);
      const key = keys[i % Math.max(1, keys.length)];
      return key === undefined ? x : { ...v, [key]: x };
    }),
    fc.tuple(valid, fc.nat()).map(([v, i]) => {
      if (!isObject(v)) {
        return v;
      }
      const keys = Object.keys(v);
      const key = keys[i % Math.max(1, keys.length)];
      if (key === undefined) {
        return [];
      }
      const { [key]: _dropped, ...rest } = v;
      return rest;
    }),
    fc
      .tuple(valid, hostileString())
      .map(([v, s]) =>
        isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? s : x])) : s,
      ),
  );
}
