import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | null = null;

function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; null once it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / clockTicks();
  } catch {
    return null;
  }
}

/** Resident set size in bytes, from VmRSS in /proc/<pid>/status; null once the process is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Resident memory of several processes with the file pages they share counted once: the sum of
 * their anonymous and shared-memory pages plus the largest of their file-backed pages. Node
 * processes map the same binary (about 40 MB resident each), which a sum of RSS counts once per
 * process. Null once any process is gone.
 */
export function residentBytesOnce(pids: number[]): number | null {
  let anon = 0;
  let file = 0;
  for (const pid of pids) {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      return null;
    }
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? NaN);
    const [a, f, s] = [kb('RssAnon'), kb('RssFile'), kb('RssShmem')];
    if (![a, f, s].every(Number.isFinite)) return null;
    anon += a + s;
    file = Math.max(file, f);
  }
  return (anon + file) * 1024;
}

/** The soft and hard limits on open files of a process, from /proc/<pid>/limits. */
export function openFileLimits(pid: number | 'self' = 'self'): { soft: number; hard: number } | null {
  try {
    const match = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
    if (!match) return null;
    const n = (v: string) => (v === 'unlimited' ? Infinity : Number(v));
    return { soft: n(match[1]), hard: n(match[2]) };
  } catch {
    return null;
  }
}

/** The processes whose parent is `pid` (the server's front processes), from /proc/<pid>/stat of every process. */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return children;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After the command name: state, then the parent's pid.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // Gone while listed.
    }
  }
  return children;
}
