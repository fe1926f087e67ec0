import type { GatewayAddress, RejectReason } from '@clusterpulse/contracts';
import type { AggregationService } from '../../aggregation/aggregation.service';

/** What a handler made of one message: applied (or harmlessly ignored), or refused for a reason. */
export type HandlerResult = { ok: true } | { ok: false; reason: RejectReason; message: string };

/** `clientId`: the sender's client id (`gatewayClientId(address)`), where the caller keeps it (the report lane, per connection). */
export type MessageHandler = (agg: AggregationService, address: GatewayAddress, payload: Buffer, clientId?: string) => HandlerResult;

export const OK: HandlerResult = { ok: true };
