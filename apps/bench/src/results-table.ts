import type { PhaseResult } from './bench-runner';

const num = (n: number | null, digits = 0) => (n === null || !Number.isFinite(n) ? 'n/a' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

/**
 * The bench's figures as a Markdown table, one row per gateway count: the raw broker and the
 * pipeline side by side, with the ratio of their sustained rates.
 */
export function resultsTable(results: PhaseResult[]): string {
  const header = [
    'gateways',
    'raw broker reports/s',
    'pipeline reports/s',
    'ratio (b)/(a)',
    'CPU s/1000 raw',
    'CPU s/1000 pipeline',
    'latency p50 / p99 ms',
    'server RSS MiB',
    'persistence backlog end (max)',
    'connected (load / server)',
    'lag start -> end (growth/s)',
    'counts add up',
  ];
  const rows: string[][] = [];
  // A row per gateway count asked for; the phases may have run fewer (the open-file limit is per process).
  const counts = [...new Set(results.map((r) => r.requestedGateways))];
  for (const g of counts) {
    const raw = results.find((r) => r.requestedGateways === g && r.phase === 'raw-broker') ?? null;
    const pipe = results.find((r) => r.requestedGateways === g && r.phase === 'pipeline') ?? null;
    const main = pipe ?? raw!;
    const ran = (main.gateways < g ? `${num(main.gateways)} (of ${num(g)})` : num(g)) + (pipe && pipe.fronts > 0 ? ` (${pipe.fronts} fronts)` : '');
    rows.push([
      raw && pipe && raw.gateways !== pipe.gateways ? `${ran}; raw broker ${num(raw.gateways)}` : ran,
      raw ? num(raw.sustainedPerSecond) : 'n/a',
      pipe ? num(pipe.sustainedPerSecond) : 'n/a',
      raw && pipe && raw.sustainedPerSecond > 0 ? num(pipe.sustainedPerSecond / raw.sustainedPerSecond, 2) : 'n/a',
      raw ? num(raw.cpuSecondsPer1000, 3) : 'n/a',
      pipe ? num(pipe.cpuSecondsPer1000, 3) : 'n/a',
      pipe ? `${num(pipe.latencyP50Ms)} / ${num(pipe.latencyP99Ms)}` : 'n/a',
      pipe?.rssBytesMax != null ? num(pipe.rssBytesMax / 2 ** 20) + (pipe.residentOnceBytesMax != null ? ` (${num(pipe.residentOnceBytesMax / 2 ** 20)} shared pages once)` : '') : 'n/a',
      pipe ? (pipe.persistenceBacklog === null ? 'not exposed' : `${num(pipe.persistenceBacklog)} (${num(pipe.persistenceBacklogMax)})`) : 'n/a',
      `${num(main.connected)} / ${num(main.connectedServerSide)}`,
      `${num(main.lagStart)} -> ${num(main.lagEnd)} (${main.lagGrowthPerSecond === null ? 'n/a' : num(main.lagGrowthPerSecond, 1)})`,
      results
        .filter((r) => r.requestedGateways === g)
        .map((r) => `${r.phase}: ${r.counts.addsUp ? 'yes' : 'NO'} (${r.counts.sent} = ${r.counts.applied} + ${r.counts.rejected} + ${r.counts.duplicates})`)
        .join('; '),
    ]);
  }
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
