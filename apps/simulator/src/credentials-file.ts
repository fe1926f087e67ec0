import { readFileSync } from 'node:fs';
import { gatewayClientId, type GatewayAddress } from '@clusterpulse/contracts';
import type { MqttCredentials } from './gateway';

/** The file `npm run db:seed` writes: a secret per gateway and one for the simulator's own client. */
interface CredentialsFile {
  v: 1;
  cluster: string;
  simulator: { username: string; secret: string };
  gateways: Array<{ enterprise: string; gateway: string; username: string; secret: string }>;
}

function isCredentialsFile(value: unknown): value is CredentialsFile {
  const f = value as CredentialsFile;
  const str = (x: unknown): boolean => typeof x === 'string';
  return (
    typeof f === 'object' &&
    f !== null &&
    f.v === 1 &&
    str(f.cluster) &&
    str(f.simulator?.username) &&
    str(f.simulator?.secret) &&
    Array.isArray(f.gateways) &&
    f.gateways.every((g) => str(g?.username) && str(g?.secret))
  );
}

export interface LoadedCredentials {
  cluster: string;
  simulator: MqttCredentials;
  gateway: (address: GatewayAddress) => MqttCredentials | undefined;
}

export function loadCredentialsFile(path: string): LoadedCredentials {
  const file: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!isCredentialsFile(file)) throw new Error(`${path} is not a credentials file (v 1, cluster, simulator, gateways)`);
  const byClient = new Map(file.gateways.map((g) => [g.username, { username: g.username, password: g.secret }]));
  return {
    cluster: file.cluster,
    simulator: { username: file.simulator.username, password: file.simulator.secret },
    gateway: (address) => byClient.get(gatewayClientId(address)),
  };
}
