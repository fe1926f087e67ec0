import { API_PREFIX, ApiRoutes, type AlarmAckResponse, type AlarmListResponse } from '@clusterpulse/contracts';
import { ConflictException, Controller, Get, HttpCode, HttpStatus, NotFoundException, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AlarmStoreService } from '../aggregation/alarm-store.service';
import { TrainerTokenGuard } from '../trainer/trainer-token.guard';
import { AlarmAckDto, AlarmListDto } from './dto/alarms.dto';
import { ApiErrorDto } from './dto/trainer.dto';

const base = ApiRoutes.alarms.slice(API_PREFIX.length + 2);

@ApiTags('alarms')
@Controller(API_PREFIX)
export class AlarmsController {
  constructor(private readonly alarms: AlarmStoreService) {}

  @Get(base)
  @ApiOkResponse({ type: AlarmListDto, description: 'kept alarms, grouped (repeats counted, many in one park summarised), most recently opened or escalated first, with their acknowledgement' })
  list(): AlarmListResponse {
    return { alarms: this.alarms.list() };
  }

  /** Operators acknowledge with the trainer token: an anonymous screen may watch, not clear alarms. */
  @Post(`${base}/:id/ack`)
  @HttpCode(HttpStatus.OK)
  @UseGuards(TrainerTokenGuard)
  @ApiBearerAuth()
  @ApiOkResponse({ type: AlarmAckDto, description: 'acknowledged (again: the first acknowledgement stands); every dashboard is told; a new occurrence of its condition opens a new alarm' })
  @ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'no bearer token' })
  @ApiForbiddenResponse({ type: ApiErrorDto, description: 'wrong token, or TRAINER_TOKEN not set on the server' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'no such alarm kept' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'the alarm was merged into a park alarm (its message names it); nothing was acknowledged' })
  acknowledge(@Param('id') id: string): AlarmAckResponse {
    const alarm = this.alarms.acknowledge(id);
    if (alarm) return { alarm };
    const park = this.alarms.replacedBy(id);
    if (park) {
      const where = park.park ? `in ${park.park}` : 'in one park';
      const state = park.acknowledgedAt === undefined ? 'acknowledge that one' : 'it is acknowledged';
      throw new ConflictException(`alarm ${id} was merged into park alarm ${park.id} (${park.makers} makers with ${park.kind} alarms ${where}): ${state}`);
    }
    throw new NotFoundException(`no alarm ${id}`);
  }
}
