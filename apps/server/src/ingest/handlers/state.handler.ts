import { decodePayload, statePayloadSchema } from '@clusterpulse/contracts';
import { OK, type MessageHandler } from './handler';

/** Online/offline, retained; the broker publishes the offline one as the gateway's last will. */
export const handleState: MessageHandler = (agg, address, payload) => {
  const decoded = decodePayload(statePayloadSchema, payload);
  if (!decoded.ok) return decoded;
  agg.applyState(address, decoded.value);
  return OK;
};
