import { SCENARIOS, type ApiErrorResponse, type ScenarioId, type TrainerCommandResponse } from '@clusterpulse/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class TrainerCommandDto implements TrainerCommandResponse {
  @ApiProperty({ enum: [true] }) accepted!: true;
  @ApiPropertyOptional({ enum: SCENARIOS, description: 'the scenario the command starts, else the one running' }) scenario?: ScenarioId;
}

export class ApiErrorDto implements ApiErrorResponse {
  @ApiProperty({ type: 'integer' }) statusCode!: number;
  @ApiProperty() error!: string;
  @ApiProperty() message!: string;
}
