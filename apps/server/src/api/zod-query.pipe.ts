import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/** Validates and coerces a query object with a zod schema; a 400 names the offending parameter. */
export class ZodQueryPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value ?? {});
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new BadRequestException(`${issue.path.join('.') || 'query'}: ${issue.message}`);
    }
    return result.data;
  }
}
