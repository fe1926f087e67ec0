import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';

export interface ServiceAccountRow {
  username: string;
  role: string;
  secretHash: string;
}

/** Gateway and service-account secrets (hashes only). */
@Injectable()
export class CredentialsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async gatewaySecretHash(id: string): Promise<{ enterpriseId: string; secretHash: string | null } | null> {
    return this.prisma.client.gateway.findUnique({ where: { id }, select: { enterpriseId: true, secretHash: true } });
  }

  async serviceAccount(username: string): Promise<ServiceAccountRow | null> {
    return this.prisma.client.serviceAccount.findUnique({ where: { username } });
  }

  /** Creates or re-keys gateways and service accounts, in one transaction. */
  async provision(gateways: Array<{ id: string; enterpriseId: string; secretHash: string }>, accounts: ServiceAccountRow[]): Promise<void> {
    const client = this.prisma.client;
    const ops = [
      ...gateways.map((g) =>
        client.gateway.upsert({ where: { id: g.id }, create: { id: g.id, enterpriseId: g.enterpriseId, secretHash: g.secretHash }, update: { secretHash: g.secretHash } }),
      ),
      ...accounts.map((a) => client.serviceAccount.upsert({ where: { username: a.username }, create: a, update: { role: a.role, secretHash: a.secretHash } })),
    ];
    for (let i = 0; i < ops.length; i += 500) await client.$transaction(ops.slice(i, i + 500));
  }
}
