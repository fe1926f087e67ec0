import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCredentialsFile } from './credentials-file';

describe('loadCredentialsFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-cred-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives each gateway its own secret and the simulator its account', () => {
    const file = join(dir, 'ok.json');
    writeFileSync(
      file,
      JSON.stringify({
        v: 1,
        cluster: 'c1',
        simulator: { username: 'simulator', secret: 's3' },
        gateways: [
          { enterprise: 'm00001', gateway: 'gw1', username: 'c1.m00001.gw1', secret: 'a' },
          { enterprise: 'm00002', gateway: 'gw1', username: 'c1.m00002.gw1', secret: 'b' },
        ],
      }),
    );
    const creds = loadCredentialsFile(file);
    expect(creds.cluster).toBe('c1');
    expect(creds.simulator).toEqual({ username: 'simulator', password: 's3' });
    expect(creds.gateway({ cluster: 'c1', enterprise: 'm00002', gateway: 'gw1' })).toEqual({ username: 'c1.m00002.gw1', password: 'b' });
    expect(creds.gateway({ cluster: 'c1', enterprise: 'm00003', gateway: 'gw1' })).toBeUndefined();
  });

  it('refuses a file of another shape', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ v: 2, gateways: [] }));
    expect(() => loadCredentialsFile(file)).toThrow(/not a credentials file/);
  });
});
