import { createHash, timingSafeEqual } from 'node:crypto';
import { ForbiddenException, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../config/app-config.module';
import type { AppConfig } from '../config/config.schema';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The trainer panel can pause, reset and break the demo, so its commands need the bearer token
 * from TRAINER_TOKEN. Without the variable nobody may send one: a forgotten setting must not
 * leave the panel open.
 */
@Injectable()
export class TrainerTokenGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Comparing digests keeps the comparison constant-time whatever the presented length.
    this.expected = config.TRAINER_TOKEN ? digest(config.TRAINER_TOKEN) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) throw new ForbiddenException('trainer commands are disabled: TRAINER_TOKEN is not set on the server');
    const http = context.switchToHttp();
    const header = http.getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match) {
      // RFC 6750 section 3: a request without credentials is answered with the scheme to use.
      http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="trainer"');
      throw new UnauthorizedException('a trainer command needs "Authorization: Bearer <TRAINER_TOKEN>"');
    }
    if (!timingSafeEqual(digest(match[1]), this.expected)) throw new ForbiddenException('wrong trainer token');
    return true;
  }
}
