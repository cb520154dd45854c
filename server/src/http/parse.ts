import type { z, ZodType } from 'zod';
import { ValidationError } from '../errors.js';

/** Parses a request part with its schema, or throws INVALID_PAYLOAD naming the field. */
export function parse<S extends ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw ValidationError.fromZod(r.error);
  }
  return r.data;
}
