import { decodePayload, encodePayload, simControlSchema, simStatusSchema, simTopic, type SimControl, type SimStatus } from '@clusterpulse/contracts';
import type { Duplex } from 'node:stream';
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';
import type { MqttCredentials } from './gateway';

export interface ControlLinkOptions {
  brokerUrl: string;
  cluster: string;
  credentials?: MqttCredentials;
  reconnectPeriodMs: number;
  statusIntervalMs: number;
  transport?: () => Duplex;
  /** The status to publish, read at every publication. */
  status: () => SimStatus;
  onCommand: (cmd: SimControl) => void;
}

export interface ControlLink {
  /** Publishes the current status now (retained); nothing while disconnected. */
  publishStatus(): void;
  /** No more periodic status (a stopping simulator); commands are still heard until close. */
  stopPublishing(): void;
  close(): Promise<void>;
}

/**
 * The simulator's own cluster-wide client: trainer commands in on `sim/control`, a retained status
 * out on `sim/status`. One per simulator, however many processes run its gateways.
 */
export function openControlLink(o: ControlLinkOptions): ControlLink {
  const options: IClientOptions = {
    clientId: `${o.cluster}-simulator`,
    username: o.credentials?.username,
    password: o.credentials?.password,
    // a persistent session: trainer commands sent while the simulator reconnects still arrive
    clean: false,
    reconnectPeriod: o.reconnectPeriodMs,
  };
  const transport = o.transport;
  const client = transport ? new MqttClient(() => transport(), options) : mqtt.connect(o.brokerUrl, options);
  function publishStatus(): void {
    if (!client.connected) return;
    client.publish(simTopic(o.cluster, 'status'), encodePayload(simStatusSchema, o.status()), { qos: 1, retain: true });
  }
  client.on('connect', () => {
    client.subscribe(simTopic(o.cluster, 'control'), { qos: 1 });
    publishStatus();
  });
  client.on('message', (_topic, payload) => {
    const decoded = decodePayload(simControlSchema, payload);
    if (decoded.ok) o.onCommand(decoded.value);
  });
  client.on('error', () => {
    // reconnects on its own; refused credentials show in the status line as no trainer link
  });
  const timer = setInterval(publishStatus, o.statusIntervalMs);
  return {
    publishStatus,
    stopPublishing: () => clearInterval(timer),
    close: async () => {
      clearInterval(timer);
      await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    },
  };
}
