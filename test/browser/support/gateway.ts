import mqtt, { type MqttClient } from 'mqtt';
import {
  DEFAULT_CLUSTER_ID,
  DAY_MS,
  SCHEMA_VERSION,
  birthPayloadSchema,
  encodePayload,
  gatewayClientId,
  gatewayTopic,
  reportPayloadSchema,
  type DeviceState,
  type GatewayAddress,
  type ProductCategory,
  type SalesChannel,
} from '@clusterpulse/contracts';

/**
 * One maker's gateway publishing reports whose figures the test chooses, so what the browser shows
 * can be compared with exactly what was sent. Needs a server with MQTT_ALLOW_ANONYMOUS on.
 */
export class TestGateway {
  private seq = 0;
  private constructor(
    private readonly client: MqttClient,
    readonly address: GatewayAddress,
    private ts: number,
  ) {}

  static async connect(mqttPort: number, enterprise: string, startTs = Date.UTC(2020, 2, 2, 2)): Promise<TestGateway> {
    const address = { cluster: DEFAULT_CLUSTER_ID, enterprise, gateway: 'gw1' };
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { clientId: gatewayClientId(address), reconnectPeriod: 0 });
    return new TestGateway(client, address, startTs);
  }

  async birth(category: ProductCategory = 'tops'): Promise<void> {
    const payload = encodePayload(birthPayloadSchema, {
      v: SCHEMA_VERSION,
      seq: this.seq,
      ts: this.ts,
      enterprise: { name: `Maker ${this.address.enterprise}`, town: 'Waxing', park: 'Park A', category, digitization: 0.6, employees: 40 },
      devices: [{ id: 'sew1', kind: 'sewing-line', line: 'L1' }],
    });
    await this.client.publishAsync(gatewayTopic(this.address, 'birth'), payload, { qos: 1 });
  }

  /** Publishes one hour of work that sold `amountFen` through `channel`, its sewing line in `state`. */
  async report(amountFen: number, channel: SalesChannel = 'ecommerce', category: ProductCategory = 'tops', state: DeviceState = 'running'): Promise<void> {
    this.seq += 1;
    this.ts += DAY_MS / 24;
    const payload = encodePayload(reportPayloadSchema, {
      v: SCHEMA_VERSION,
      seq: this.seq,
      ts: this.ts,
      intervalMs: DAY_MS / 24,
      sales: [{ channel, category, orders: 1, pieces: 10, amountFen }],
      production: [{ category, good: 100, defective: 1 }],
      energyWh: 4000,
      devices: [{ id: 'sew1', kind: 'sewing-line', state, plannedMs: 3_600_000, runMs: 3_000_000, good: 100, defective: 1, idealCycleMs: 20_000, energyWh: 4000 }],
    });
    await this.client.publishAsync(gatewayTopic(this.address, 'report'), payload, { qos: 1 });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
