import { isId } from './domain';

/**
 * Every MQTT topic is built and parsed here; no other module spells a topic.
 *
 *   cp/v1/{cluster}/{enterprise}/{gateway}/{kind}   kind: birth | report | state | control
 *   cp/v1/{cluster}/sim/{kind}                      kind: control | status
 *
 * A gateway publishes birth, report and state (retained; also its last will) and subscribes to its
 * own control topic (acknowledgements and faults aimed at it). The simulator as a whole listens on
 * the cluster's sim/control topic (trainer commands) and publishes sim/status (retained).
 */
export const TOPIC_ROOT = 'cp';
export const TOPIC_VERSION = 'v1';

export const GATEWAY_TOPIC_KINDS = ['birth', 'report', 'state', 'control'] as const;
export type GatewayTopicKind = (typeof GATEWAY_TOPIC_KINDS)[number];

export const SIM_TOPIC_KINDS = ['control', 'status'] as const;
export type SimTopicKind = (typeof SIM_TOPIC_KINDS)[number];

/** The level that marks a cluster-wide simulator topic; never a valid enterprise id for a gateway topic. */
export const SIM_LEVEL = 'sim';

export interface GatewayAddress {
  cluster: string;
  enterprise: string;
  gateway: string;
}

export type ParsedTopic =
  | ({ scope: 'gateway'; kind: GatewayTopicKind } & GatewayAddress)
  | { scope: 'sim'; kind: SimTopicKind; cluster: string };

function checkId(what: string, value: string): void {
  if (!isId(value)) throw new RangeError(`invalid ${what} id for a topic level: ${JSON.stringify(value)}`);
}

export function gatewayTopic(address: GatewayAddress, kind: GatewayTopicKind): string {
  checkId('cluster', address.cluster);
  checkId('enterprise', address.enterprise);
  checkId('gateway', address.gateway);
  if (address.enterprise === SIM_LEVEL) throw new RangeError(`'${SIM_LEVEL}' is reserved and cannot be an enterprise id`);
  return `${TOPIC_ROOT}/${TOPIC_VERSION}/${address.cluster}/${address.enterprise}/${address.gateway}/${kind}`;
}

export function simTopic(cluster: string, kind: SimTopicKind): string {
  checkId('cluster', cluster);
  return `${TOPIC_ROOT}/${TOPIC_VERSION}/${cluster}/${SIM_LEVEL}/${kind}`;
}

/** Subscription filter for one kind of gateway topic across the cluster (e.g. every report). */
export function gatewayKindFilter(cluster: string, kind: GatewayTopicKind): string {
  checkId('cluster', cluster);
  return `${TOPIC_ROOT}/${TOPIC_VERSION}/${cluster}/+/+/${kind}`;
}

/** Filter matching every topic of a cluster. */
export function clusterFilter(cluster: string): string {
  checkId('cluster', cluster);
  return `${TOPIC_ROOT}/${TOPIC_VERSION}/${cluster}/#`;
}

/** Parses a topic; returns null for anything that is not exactly a ClusterPulse topic. */
export function parseTopic(topic: string): ParsedTopic | null {
  const levels = topic.split('/');
  if (levels[0] !== TOPIC_ROOT || levels[1] !== TOPIC_VERSION) return null;
  if (levels.length === 5 && levels[3] === SIM_LEVEL) {
    const [, , cluster, , kind] = levels;
    if (!isId(cluster) || !(SIM_TOPIC_KINDS as readonly string[]).includes(kind)) return null;
    return { scope: 'sim', kind: kind as SimTopicKind, cluster };
  }
  if (levels.length === 6) {
    const [, , cluster, enterprise, gateway, kind] = levels;
    if (enterprise === SIM_LEVEL) return null;
    if (!isId(cluster) || !isId(enterprise) || !isId(gateway)) return null;
    if (!(GATEWAY_TOPIC_KINDS as readonly string[]).includes(kind)) return null;
    return { scope: 'gateway', kind: kind as GatewayTopicKind, cluster, enterprise, gateway };
  }
  return null;
}

/** The MQTT client id (and username) of a gateway: unique across the cluster. */
export function gatewayClientId(address: GatewayAddress): string {
  return `${address.cluster}.${address.enterprise}.${address.gateway}`;
}

/** Inverse of gatewayClientId; null for any other client id. */
export function parseGatewayClientId(clientId: string): GatewayAddress | null {
  const parts = clientId.split('.');
  if (parts.length !== 3 || !parts.every(isId) || parts[1] === SIM_LEVEL) return null;
  return { cluster: parts[0], enterprise: parts[1], gateway: parts[2] };
}
