import { chinaDay, fenToRmb } from '@clusterpulse/contracts';
import type { SimulatorStatus } from './simulation';

/** One status line: simulated date, reports per second, gateways connected, sales so far. */
export function formatProgress(s: SimulatorStatus): string {
  const hour = new Date(s.simTime + 8 * 3_600_000).toISOString().slice(11, 16);
  const rmb = fenToRmb(s.salesFen);
  const sales = rmb >= 1e9 ? `${(rmb / 1e9).toFixed(2)} bn` : rmb >= 1e6 ? `${(rmb / 1e6).toFixed(1)} m` : rmb.toFixed(0);
  const parts = [
    `${chinaDay(s.simTime)} ${hour}${s.paused ? ' (paused)' : ''}`,
    s.scenario,
    `${s.reportsPerSecond.toFixed(0)} reports/s`,
    `gateways ${s.gatewaysConnected}/${s.makers}`,
    `sales RMB ${sales}`,
    `unacked ${s.unacked}`,
  ];
  if (s.gatewaysHeld > 0) parts.push(`${s.gatewaysHeld} held`);
  return parts.join(' | ');
}
