import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const appRoot = path.resolve(__dirname, '..');
const repoRoot = path.resolve(appRoot, '../..');
const cliMain = path.join(appRoot, 'dist/main.js');

/** The CLI forks its own built file for every child process: build it (and the libs) first. */
export function buildCli(): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'apps/simulator'], { cwd: repoRoot, stdio: 'inherit' });
}

export interface CliRun {
  child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The child processes it announced ("process K/N (pid P): ..."), in order. */
  shards(): Array<{ shard: string; pid: number; makers: number }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The built simulator CLI as its own process, as a user runs it. */
export function runCli(args: string[]): CliRun {
  const child = spawn(process.execPath, [cliMain, ...args], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    stderr: () => stderr,
    exited,
    shards: () =>
      [...stderr.matchAll(/^process (\d+\/\d+) \(pid (\d+)\): makers \S+ \((\d+)\)$/gm)].map((m) => ({ shard: m[1], pid: Number(m[2]), makers: Number(m[3]) })),
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Whether a process runs: neither gone nor a zombie waiting for whoever inherited it to reap it. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
