import type { GatewayAddress } from '@clusterpulse/contracts';
import { DEFAULT_MAKERS, DEFAULT_SEED, generateCluster } from '@clusterpulse/cluster-model';

export { DEFAULT_MAKERS, DEFAULT_SEED };

/**
 * The gateways of the cluster the simulator will run with the same flags: taken from
 * libs/cluster-model's generator itself, so seed and simulator cannot disagree on an id.
 */
export function clusterAddresses(cluster: string, makers: number, seed: number): GatewayAddress[] {
  return generateCluster({ cluster, makers, seed }).makers.map((maker) => ({ cluster, enterprise: maker.id, gateway: maker.gatewayId }));
}
