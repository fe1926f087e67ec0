// How many makers the demo runs, and in how many front processes the server holds their
// connections (MQTT_FRONTS), given the open-file limit. Used by scripts/start.mjs; a test reads it too.

/** The reference cluster's makers. */
const FULL_CLUSTER = 20_000;
/** Descriptors the server keeps beyond its gateways' (apps/server/src/broker/fd-limit.ts, with room to spare). */
const SPARE_DESCRIPTORS = 2_048;
/** Descriptors a front keeps beyond its gateways' (apps/server/src/broker/front-process.ts FRONT_RESERVED_DESCRIPTORS). */
const FRONT_RESERVE = 64;
/** More fronts than this cost more memory (about 100 MB each) than a smaller demo is worth: run fewer makers. */
const MAX_FRONTS = 4;

/**
 * @param {number | null} fdLimit the open-file limit every process inherits (null: unknown)
 * @param {{ makersGiven: boolean, fronts: number | null }} given whether --makers was set, and MQTT_FRONTS if it was
 * @returns {{ makers: number | null, fronts: number | null, message: string | null }} null: leave as given or default
 */
function demoSize(fdLimit, given) {
  if (given.makersGiven || fdLimit === null) return { makers: null, fronts: null, message: null };
  const perFront = Math.max(1, fdLimit - FRONT_RESERVE);
  let fronts = given.fronts;
  if (fronts === null) {
    if (fdLimit - SPARE_DESCRIPTORS >= FULL_CLUSTER) return { makers: null, fronts: null, message: null };
    const needed = Math.ceil(FULL_CLUSTER / perFront);
    if (needed <= MAX_FRONTS) {
      return {
        makers: null,
        fronts: needed,
        message: `The open-file limit (ulimit -n) is ${fdLimit}: the server holds the ${FULL_CLUSTER} makers' connections in ${needed} front processes (MQTT_FRONTS=${needed}).`,
      };
    }
    fronts = 0;
  }
  const room = fronts > 0 ? fronts * perFront : fdLimit - SPARE_DESCRIPTORS;
  if (room >= FULL_CLUSTER) return { makers: null, fronts: null, message: null };
  const makers = Math.max(100, room);
  return {
    makers,
    fronts: null,
    message: `The open-file limit (ulimit -n) is ${fdLimit}: running ${makers} of the cluster's ${FULL_CLUSTER} makers. Raise the limit${fronts > 0 ? ' or MQTT_FRONTS' : ''} to run them all.`,
  };
}

module.exports = { demoSize, FULL_CLUSTER };
