import { spawn } from 'node:child_process';
import { childPids, residentBytesOnce, rssBytes } from './proc-stats';

describe('figures of a server and its front processes', () => {
  it('finds the processes a process started, and counts the pages they share once', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      // Until the child has mapped its binary, its RSS is tiny: wait for Node's own start.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(childPids(process.pid)).toContain(child.pid);
      expect(childPids(child.pid!)).toEqual([]);

      const pids = [process.pid, child.pid!];
      const sum = rssBytes(process.pid)! + rssBytes(child.pid!)!;
      const once = residentBytesOnce(pids)!;
      // Two Node processes share the binary's resident pages: counted once, less than the sum,
      // and more than either process alone.
      expect(once).toBeLessThan(sum);
      expect(once).toBeGreaterThan(Math.max(rssBytes(process.pid)!, rssBytes(child.pid!)!));
      expect(residentBytesOnce([process.pid])).toBeGreaterThan(0);
    } finally {
      child.kill();
    }
    await new Promise((resolve) => child.once('exit', resolve));
    expect(residentBytesOnce([process.pid, child.pid!])).toBeNull();
  });
});
