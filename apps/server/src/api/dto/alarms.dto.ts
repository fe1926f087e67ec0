import { PARK_ALARM_AFTER, type Alarm, type AlarmAckResponse, type AlarmListResponse } from '@clusterpulse/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AlarmDto implements Alarm {
  @ApiProperty({ description: 'acknowledgements name it' }) id!: string;
  @ApiProperty({
    enum: ['condition', 'park'],
    description: `condition: one maker's device (or gateway) condition, repeats counted while open; park: every open alarm of one kind in one park once there would be ${PARK_ALARM_AFTER}`,
  })
  scope!: Alarm['scope'];
  @ApiProperty({ enum: ['info', 'warning', 'critical'], description: 'the highest among its occurrences' }) severity!: Alarm['severity'];
  @ApiProperty({ enum: ['fault', 'offline', 'out-of-range', 'gap'] }) kind!: Alarm['kind'];
  @ApiProperty({ description: 'the maker (park alarm: of the latest occurrence)' }) enterprise!: string;
  @ApiPropertyOptional({ description: 'the device (park alarm: of the latest occurrence); absent for a gateway' }) device?: string;
  @ApiPropertyOptional({ description: 'what exactly is wrong, where a device can be wrong in several ways' }) code?: string;
  @ApiPropertyOptional({ description: "park alarms: the park ('' when not known)" }) park?: string;
  @ApiPropertyOptional({ description: 'park alarms: the town of the park' }) town?: string;
  @ApiProperty({ description: 'text of the latest occurrence' }) message!: string;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'occurrences since it opened' }) count!: number;
  @ApiProperty({ type: 'integer', minimum: 1, description: 'distinct makers among them' }) makers!: number;
  @ApiProperty({ type: 'integer', description: 'simulated time of the first occurrence' }) firstAt!: number;
  @ApiProperty({ type: 'integer', description: 'simulated time of the latest occurrence' }) lastAt!: number;
  @ApiPropertyOptional({ type: [String], description: 'park alarms: the condition alarms it took over when it opened' }) replaces?: string[];
  @ApiPropertyOptional({ type: 'integer', description: 'wall-clock ms of the acknowledgement; absent while open' }) acknowledgedAt?: number;
}

export class AlarmListDto implements AlarmListResponse {
  @ApiProperty({ type: () => [AlarmDto], description: 'kept alarms, most recently opened or escalated first' }) alarms!: AlarmDto[];
}

export class AlarmAckDto implements AlarmAckResponse {
  @ApiProperty({ type: () => AlarmDto }) alarm!: AlarmDto;
}
