import { Module } from '@nestjs/common';
import { AggregationModule } from '../aggregation/aggregation.module';
import { EventsGateway } from './events.gateway';

@Module({ imports: [AggregationModule], providers: [EventsGateway], exports: [EventsGateway] })
export class RealtimeModule {}
