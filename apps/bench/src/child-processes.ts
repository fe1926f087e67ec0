import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';

/**
 * Every process the bench starts, so that all of them stop with it: at the end of a phase, on a
 * failure, and on Ctrl-C or SIGTERM.
 */
export class ChildProcesses {
  private readonly children = new Set<ChildProcess>();
  private readonly cleanups = new Set<() => Promise<void>>();
  private signalsInstalled = false;

  /** Runs on Ctrl-C or SIGTERM after every child stopped (temporary databases); returns a remover. */
  onInterrupt(cleanup: () => Promise<void>): () => void {
    this.cleanups.add(cleanup);
    this.installSignalHandlers();
    return () => this.cleanups.delete(cleanup);
  }

  /**
   * Starts `node script args` with the open-file soft limit raised to the hard limit first
   * (`ulimit -n` is per process; a child inherits it through exec, and the pid stays node's).
   */
  spawnNode(script: string, args: string[], options: { env?: NodeJS.ProcessEnv; ipc?: boolean; nodeArgs?: string[]; cwd?: string; quiet?: boolean } = {}): ChildProcess {
    const stdio: StdioOptions = ['ignore', options.quiet ? 'ignore' : 'inherit', 'inherit'];
    if (options.ipc) stdio.push('ipc');
    const child = spawn('/bin/sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh', process.execPath, ...(options.nodeArgs ?? []), script, ...args], {
      stdio,
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    this.installSignalHandlers();
    return child;
  }

  /** SIGTERM, then SIGKILL after `graceMs` if it is still running. Resolves once it exited. */
  async stop(child: ChildProcess, graceMs = 10_000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  async stopAll(graceMs = 10_000): Promise<void> {
    await Promise.all([...this.children].map((child) => this.stop(child, graceMs)));
  }

  /** Last resort when the bench itself is exiting: no waiting, nothing left behind. */
  killAllNow(): void {
    for (const child of this.children) child.kill('SIGKILL');
  }

  private installSignalHandlers(): void {
    if (this.signalsInstalled) return;
    this.signalsInstalled = true;
    const onSignal = (signal: NodeJS.Signals) => {
      console.error(`\nbench: ${signal}, stopping every process it started`);
      this.stopAll(3_000)
        .then(() => Promise.allSettled([...this.cleanups].map((cleanup) => cleanup())))
        .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.once('exit', () => this.killAllNow());
  }
}
