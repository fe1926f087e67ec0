// The process environment scripts/start.mjs (and the bench) give the server beside its own configuration.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SERVER_PROCESS_ENV, serverProcessEnv } = require('../../scripts/server-env.cjs') as {
  SERVER_PROCESS_ENV: Record<string, string>;
  serverProcessEnv(env: Record<string, string | undefined>): Record<string, string>;
};

describe("the server's process environment", () => {
  it('gives two malloc arenas', () => {
    expect(SERVER_PROCESS_ENV).toEqual({ MALLOC_ARENA_MAX: '2' });
    expect(serverProcessEnv({ PATH: '/usr/bin' })).toEqual({ MALLOC_ARENA_MAX: '2' });
  });

  it('leaves a variable the environment already sets as it is', () => {
    expect(serverProcessEnv({ MALLOC_ARENA_MAX: '8' })).toEqual({});
    expect(serverProcessEnv({ MALLOC_ARENA_MAX: '' })).toEqual({});
  });
});
