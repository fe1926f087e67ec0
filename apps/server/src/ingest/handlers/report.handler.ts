import { decodeReport } from '@clusterpulse/contracts';
import { OK, type MessageHandler } from './handler';

/**
 * Production and sales for an interval. Applied at most once per sequence number; a duplicate or
 * an out-of-order report is counted by the aggregator, not refused: the sender did nothing wrong.
 */
export const handleReport: MessageHandler = (agg, address, payload, sender) => {
  // The schema's verdicts, without its copy of every valid report (the hot path of ingest).
  const decoded = decodeReport(payload);
  if (!decoded.ok) return decoded;
  const outcome = agg.applyReport(address, decoded.value, sender);
  if (outcome === 'unknown-gateway') return { ok: false, reason: 'unknown-gateway', message: 'report from a gateway that sent no birth and is not provisioned' };
  return OK;
};
