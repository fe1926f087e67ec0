import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/** Validates a JSON body with a zod schema from libs/contracts; a 400 names the offending field. */
export class ZodBodyPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new BadRequestException(`${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    return result.data;
  }
}
