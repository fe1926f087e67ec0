import type { AlarmAckResponse, AlarmEvent, AlarmListResponse } from '@clusterpulse/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AlarmDto implements AlarmEvent {
  @ApiProperty() id!: string;
  @ApiProperty({ type: 'integer', description: 'simulated time it was raised' }) ts!: number;
  @ApiProperty({ enum: ['info', 'warning', 'critical'] }) severity!: AlarmEvent['severity'];
  @ApiProperty({ enum: ['fault', 'offline', 'out-of-range', 'gap'] }) kind!: AlarmEvent['kind'];
  @ApiProperty() enterprise!: string;
  @ApiPropertyOptional() device?: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ type: 'integer', description: 'wall-clock ms of the acknowledgement; absent while open' }) acknowledgedAt?: number;
}

export class AlarmListDto implements AlarmListResponse {
  @ApiProperty({ type: () => [AlarmDto] }) alarms!: AlarmDto[];
}

export class AlarmAckDto implements AlarmAckResponse {
  @ApiProperty({ type: () => AlarmDto }) alarm!: AlarmDto;
}
