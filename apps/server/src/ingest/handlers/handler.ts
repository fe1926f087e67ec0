import type { GatewayAddress, RejectReason } from '@clusterpulse/contracts';
import type { AggregationService, GatewaySender } from '../../aggregation/aggregation.service';

/** What a handler made of one message: applied (or harmlessly ignored), or refused for a reason. */
export type HandlerResult = { ok: true } | { ok: false; reason: RejectReason; message: string };

/** `sender`: the connection's, where the caller keeps one (the report lane; see GatewaySender). */
export type MessageHandler = (agg: AggregationService, address: GatewayAddress, payload: Buffer, sender?: GatewaySender) => HandlerResult;

export const OK: HandlerResult = { ok: true };
