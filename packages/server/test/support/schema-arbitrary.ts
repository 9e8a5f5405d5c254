import fc from 'fast-check';
import { z } from 'zod';
import type { AnyProcedure } from '@trpc/server';
import { HOSTILE_CURSORS, HOSTILE_IDS, HOSTILE_NUMBERS, HOSTILE_TEXT, hostileValue } from './hostile.js';

/**
 * Arbitraries shaped like a procedure's input schema (as JSON Schema, which zod v4 writes): real
 * property names, plausible values, and hostile values of each field's own kind in their place.
 */

/** What a plausible value looks like in this world: real ids, real names, cursors that work. */
export interface Plausible {
  /** Real ids by the field that takes them (`postId`, `userId`, …); `id` for fields named just that. */
  idsByField: Record<string, string[]>;
  /** Every real id, for id fields not named above. */
  ids: string[];
  usernames: string[];
  cursors: string[];
  idPattern: string;
}

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
};

/** The input schema of a procedure as JSON Schema (the input side of transforms and defaults). */
export function inputJsonSchema(procedure: AnyProcedure): JsonSchema | undefined {
  const inputs = (procedure._def as unknown as { inputs?: z.ZodType[] }).inputs ?? [];
  const first = inputs[0];
  return first ? (z.toJSONSchema(first, { io: 'input', unrepresentable: 'any' }) as JsonSchema) : undefined;
}

/** How often a field gets a hostile value instead of a plausible one: never, or now and then. */
type Mode = 'plausible' | 'hostile';

/**
 * Values shaped like the schema, with real property names: some wholly plausible (so calls get
 * past validation and run for real), most with hostile values in some fields while the others
 * stay plausible (so a hostile value reaches as far as it can), and some not shaped at all.
 */
export function inputArbitrary(schema: JsonSchema | undefined, plausible: Plausible): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: shaped(schema ?? {}, plausible, '', 'plausible') },
    { weight: 6, arbitrary: shaped(schema ?? {}, plausible, '', 'hostile') },
    { weight: 1, arbitrary: hostileValue },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  );
}

function node(schema: JsonSchema, plausible: Plausible, key: string, mode: Mode): fc.Arbitrary<unknown> {
  if (mode === 'plausible') return shaped(schema, plausible, key, mode);
  return fc.oneof(
    { weight: 6, arbitrary: shaped(schema, plausible, key, mode) },
    { weight: 3, arbitrary: hostileFor(schema, plausible, key) },
    { weight: 1, arbitrary: hostileValue },
  );
}

/** Hostile values of the field's own kind: they pass a type check and meet the rules behind it. */
function hostileFor(schema: JsonSchema, plausible: Plausible, key: string): fc.Arbitrary<unknown> {
  const type = schema.type ?? schema.anyOf?.find((s) => s.type !== 'null')?.type;
  if (type === 'integer' || type === 'number') return fc.constantFrom<unknown>(...HOSTILE_NUMBERS);
  if (type === 'array') return fc.array(hostileFor(schema.items ?? {}, plausible, key), { maxLength: 3 });
  if (type !== 'string') return hostileValue;
  if (isIdField(schema, plausible, key)) return fc.constantFrom(...HOSTILE_IDS);
  if (key === 'cursor') return fc.constantFrom(...HOSTILE_CURSORS);
  // Hostile characters inside an otherwise ordinary value, so length and format rules still pass.
  return fc
    .tuple(
      fc.constantFrom(...HOSTILE_TEXT),
      fc.constantFrom('', 'ana', 'fuzzer', 'x@example.com', 'correct horse battery'),
    )
    .chain(([bad, good]) => fc.constantFrom(`${good}${bad}`, `${bad}${good}`, bad));
}

function isIdField(schema: JsonSchema, plausible: Plausible, key: string): boolean {
  return schema.pattern === plausible.idPattern || /(^id|Id|Ids|^ids)$/.test(key);
}

function shaped(schema: JsonSchema, plausible: Plausible, key: string, mode: Mode): fc.Arbitrary<unknown> {
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((option) => shaped(option, plausible, key, mode)));
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'object':
      return objectOf(schema, plausible, mode);
    case 'array':
      return fc.array(node(schema.items ?? {}, plausible, key, mode), {
        minLength: Math.min(schema.minItems ?? 0, 3),
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      });
    case 'string':
      return stringFor(schema, plausible, key);
    case 'integer':
      return fc.integer({
        min: Math.max(schema.minimum ?? -1_000, -1_000),
        max: Math.min(schema.maximum ?? 1_000, 1_000),
      });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 1_000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const ABSENT = Symbol('absent');

function objectOf(schema: JsonSchema, plausible: Plausible, mode: Mode): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const entries = Object.entries(properties).map(([name, property]) => {
    const value = node(property, plausible, name, mode);
    // Optional properties are often left out, so refinements such as "exactly one of" can pass.
    return (required.has(name) ? value : fc.option(value, { freq: 2, nil: ABSENT })).map((v) =>
      v === ABSENT ? [] : [[name, v] as [string, unknown]],
    );
  });
  const extraKeys =
    mode === 'plausible'
      ? fc.constant([])
      : fc.array(
          fc.tuple(
            fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'extra', '\u0000'),
            hostileValue,
          ),
          { maxLength: 2 },
        );
  return fc.tuple(fc.tuple(...entries), extraKeys).map(([fields, extras]) => {
    const result: Record<string, unknown> = {};
    // defineProperty, not assignment: `__proto__` must become an own key, as JSON.parse makes it.
    for (const [name, value] of [...fields.flat(), ...extras]) {
      Object.defineProperty(result, name, { value, enumerable: true, configurable: true, writable: true });
    }
    return result;
  });
}

function stringFor(schema: JsonSchema, plausible: Plausible, key: string): fc.Arbitrary<string> {
  if (isIdField(schema, plausible, key)) {
    const own = plausible.idsByField[key] ?? [];
    return own.length > 0
      ? fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...own) },
          { weight: 1, arbitrary: fc.constantFrom(...plausible.ids) },
        )
      : fc.constantFrom(...plausible.ids);
  }
  if (key === 'cursor') return fc.constantFrom(...plausible.cursors);
  if (key === 'username') return fc.constantFrom(...plausible.usernames);
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
  const minLength = schema.minLength ?? 0;
  return fc.string({ minLength, maxLength: Math.min(schema.maxLength ?? 20, Math.max(minLength, 20)) });
}
