import { encodePayload, simControlSchema, simTopic, type SimControl, type TrainerCommandResponse } from '@clusterpulse/contracts';
import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { AggregationService } from '../aggregation/aggregation.service';
import { BrokerService } from '../broker/broker.service';

/** Relays trainer commands to the simulator on the cluster's sim/control topic. */
@Injectable()
export class TrainerService {
  private readonly logger = new Logger(TrainerService.name);

  constructor(
    private readonly broker: BrokerService,
    private readonly agg: AggregationService,
  ) {}

  async relay(command: SimControl): Promise<TrainerCommandResponse> {
    if (!this.broker.listening) throw new ServiceUnavailableException('the MQTT broker is not running; try again shortly');
    // QoS 1: the simulator's session gets it even if this process stops right after answering.
    await this.broker.publish(simTopic(this.agg.clusterId, 'control'), encodePayload(simControlSchema, command), { qos: 1 });
    this.logger.log(`trainer command relayed: ${JSON.stringify(command)}`);
    const scenario = command.cmd === 'scenario' ? command.scenario : this.agg.sim?.scenario;
    return scenario ? { accepted: true, scenario } : { accepted: true };
  }
}
