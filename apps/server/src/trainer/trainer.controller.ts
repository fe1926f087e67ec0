import { API_PREFIX, ApiRoutes, simControlSchema, type SimControl, type TrainerCommandResponse } from '@clusterpulse/contracts';
import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiForbiddenResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiErrorDto, TrainerCommandDto } from '../api/dto/trainer.dto';
import { openApiSchema } from '../api/dto/openapi-schema';
import { ZodBodyPipe } from '../api/zod-body.pipe';
import { TrainerService } from './trainer.service';
import { TrainerTokenGuard } from './trainer-token.guard';

@ApiTags('trainer')
@ApiBearerAuth()
@Controller(API_PREFIX)
export class TrainerController {
  constructor(private readonly trainer: TrainerService) {}

  /** 202: the command is on its way to the simulator; its effect shows in the next KPIs and sim status. */
  @Post(ApiRoutes.trainerCommand.slice(API_PREFIX.length + 2))
  @HttpCode(HttpStatus.ACCEPTED)
  @UseGuards(TrainerTokenGuard)
  @ApiBody({ schema: openApiSchema(simControlSchema), description: 'one simulator command (SimControl)' })
  @ApiAcceptedResponse({ type: TrainerCommandDto, description: 'published on the sim/control topic' })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'not a valid command' })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'no bearer token' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'wrong token, or TRAINER_TOKEN not set on the server' })
  @ApiServiceUnavailableResponse({ type: ApiErrorDto, description: 'the broker is not running' })
  command(@Body(new ZodBodyPipe(simControlSchema)) command: SimControl): Promise<TrainerCommandResponse> {
    return this.trainer.relay(command);
  }
}
