// The process environment the server runs with, beside its own configuration (which it reads
// itself, apps/server/src/config). These are read by the C library before any JavaScript runs, so
// whoever starts the server sets them: scripts/start.mjs, apps/server/Dockerfile (a test holds it
// to this list) and the bench, which measures the server as these run it. A variable already set
// in the environment is left as it is.

/**
 * glibc's malloc gives each thread that allocates an arena of its own, up to eight per core; the
 * server's threads (the main one, the SQLite writer, V8's and libuv's helpers) then hold freed
 * memory in several arenas at once. With two, the server used 35-83 MiB less at 10,000 and 20,000
 * gateways at the same CPU per report (docs/BENCHMARKS.md, item 40). Its front processes inherit it.
 */
const SERVER_PROCESS_ENV = { MALLOC_ARENA_MAX: '2' };

/**
 * @param {Record<string, string | undefined>} env the environment the server would otherwise get
 * @returns {Record<string, string>} the variables of SERVER_PROCESS_ENV that `env` does not set
 */
function serverProcessEnv(env) {
  return Object.fromEntries(Object.entries(SERVER_PROCESS_ENV).filter(([name]) => env[name] === undefined));
}

module.exports = { SERVER_PROCESS_ENV, serverProcessEnv };
