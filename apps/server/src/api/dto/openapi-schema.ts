import type { Type } from '@nestjs/common';
import { ApiProperty, type SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

/**
 * OpenAPI 3.0 schema of a contracts zod schema, so request bodies and payload-shaped fields are
 * documented from the very schema that validates them.
 */
export function openApiSchema(schema: z.ZodType): SchemaObject {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as SchemaObject;
}

function namedClass(name: string): Type {
  const cls = class {};
  Object.defineProperty(cls, 'name', { value: name });
  return cls;
}

/**
 * A schema class for a flat zod object schema (one level of scalar fields), named `name`, so a
 * payload the server passes through unchanged is documented by the schema that validates it.
 */
export function dtoFromZod(name: string, schema: z.ZodType): Type {
  const json = openApiSchema(schema);
  const cls = namedClass(name);
  const required = new Set(json.required ?? []);
  for (const [key, property] of Object.entries(json.properties ?? {})) {
    ApiProperty({ ...(property as SchemaObject), required: required.has(key) } as Parameters<typeof ApiProperty>[0])(cls.prototype, key);
  }
  return cls;
}

/** A schema class whose fields are exactly the given names, each an integer (a count or fen). */
export function integerRecordDto(name: string, keys: readonly string[]): Type {
  const cls = namedClass(name);
  for (const key of keys) ApiProperty({ type: 'integer' })(cls.prototype, key);
  return cls;
}
