import { decodePayload, simStatusSchema } from '@clusterpulse/contracts';
import type { AggregationService } from '../../aggregation/aggregation.service';
import { OK, type HandlerResult } from './handler';

/** The simulator's retained status (scenario, speed, paused): shown on the dashboard, never in the figures. */
export function handleSimStatus(agg: AggregationService, payload: Buffer): HandlerResult {
  const decoded = decodePayload(simStatusSchema, payload);
  if (!decoded.ok) return decoded;
  agg.applySimStatus(decoded.value);
  return OK;
}
