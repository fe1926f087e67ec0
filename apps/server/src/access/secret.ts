import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Secrets are 32 random bytes, so a single fast hash is as strong as a slow one here and lets
 * 20,000 gateways reconnect at once without a CPU storm.
 */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string | Buffer): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: Buffer | string | undefined, storedHash: string | null | undefined): boolean {
  if (!secret || !storedHash || storedHash.length !== 64) return false;
  return timingSafeEqual(Buffer.from(hashSecret(secret), 'hex'), Buffer.from(storedHash, 'hex'));
}
