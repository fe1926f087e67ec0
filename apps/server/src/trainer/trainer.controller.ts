import { API_PREFIX, ApiRoutes, simControlSchema, type SimControl, type TrainerCommandResponse } from '@clusterpulse/contracts';
import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ZodBodyPipe } from '../api/zod-body.pipe';
import { TrainerService } from './trainer.service';
import { TrainerTokenGuard } from './trainer-token.guard';

@Controller(API_PREFIX)
export class TrainerController {
  constructor(private readonly trainer: TrainerService) {}

  /** 202: the command is on its way to the simulator; its effect shows in the next KPIs and sim status. */
  @Post(ApiRoutes.trainerCommand.slice(API_PREFIX.length + 2))
  @HttpCode(HttpStatus.ACCEPTED)
  @UseGuards(TrainerTokenGuard)
  command(@Body(new ZodBodyPipe(simControlSchema)) command: SimControl): Promise<TrainerCommandResponse> {
    return this.trainer.relay(command);
  }
}
