import * as fs from 'node:fs';
import * as path from 'node:path';
import { gatewayClientId, type GatewayAddress } from '@clusterpulse/contracts';
import { CredentialsRepository } from '../persistence/credentials.repository';
import { PrismaService } from '../persistence/prisma.service';
import { generateSecret, hashSecret } from './secret';

/** Username of the simulator's cluster-wide MQTT client (sim/status, sim/control). */
export const SIMULATOR_USERNAME = 'simulator';

/**
 * The credentials file `db:seed` writes and the simulator reads (format documented in
 * docs/ARCHITECTURE.md, "Gateway credentials"). It holds secrets in clear: keep it private.
 */
export interface CredentialsFile {
  v: 1;
  cluster: string;
  simulator: { username: string; secret: string };
  gateways: Array<{ enterprise: string; gateway: string; username: string; secret: string }>;
}

/** Gives every address (and the simulator) a fresh secret, stores the hashes, returns the clear secrets. */
export async function provision(databaseUrl: string, cluster: string, addresses: GatewayAddress[]): Promise<CredentialsFile> {
  const prisma = new PrismaService(databaseUrl);
  await prisma.connect();
  try {
    const file: CredentialsFile = { v: 1, cluster, simulator: { username: SIMULATOR_USERNAME, secret: generateSecret() }, gateways: [] };
    const rows = addresses.map((address) => {
      const secret = generateSecret();
      const username = gatewayClientId(address);
      file.gateways.push({ enterprise: address.enterprise, gateway: address.gateway, username, secret });
      return { id: username, enterpriseId: address.enterprise, secretHash: hashSecret(secret) };
    });
    await new CredentialsRepository(prisma).provision(rows, [{ username: SIMULATOR_USERNAME, role: 'simulator', secretHash: hashSecret(file.simulator.secret) }]);
    return file;
  } finally {
    await prisma.disconnect();
  }
}

export function writeCredentialsFile(file: CredentialsFile, out: string): void {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(file, null, 1)}\n`, { mode: 0o600 });
}
