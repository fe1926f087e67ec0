import type { SimControl } from '@clusterpulse/contracts';
import type { ClockState } from './clock-state';
import type { LedgerJSON } from './ledger';
import type { CommandSync, SimulatorStatus } from './simulation';

/**
 * What the parent of several simulator processes tells each of them over the IPC channel. The
 * parent owns the simulator's control connection and its one status: a child runs its block of
 * makers on the run and the clock the parent gives it, and applies the trainer commands the parent
 * relays together with the parent's decision (new run id, clock right after the command).
 */
export type ToShard =
  | { t: 'start'; run: string; clock: ClockState; ledger: boolean }
  | { t: 'command'; cmd: SimControl; sync: CommandSync };

/** What a child tells its parent: it listens, its status every second, its ledger, all connected. */
export type FromShard =
  | { t: 'ready' }
  | { t: 'status'; status: SimulatorStatus }
  | { t: 'connected' }
  | { t: 'ledger'; ledger: LedgerJSON };
