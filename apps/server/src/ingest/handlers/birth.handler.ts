import { birthPayloadSchema, decodePayload } from '@clusterpulse/contracts';
import { OK, type MessageHandler } from './handler';

/** A gateway announces its maker and devices, and how far its report sequence has got. */
export const handleBirth: MessageHandler = (agg, address, payload) => {
  const decoded = decodePayload(birthPayloadSchema, payload);
  if (!decoded.ok) return decoded;
  agg.applyBirth(address, decoded.value);
  return OK;
};
