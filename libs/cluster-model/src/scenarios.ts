import { SCENARIOS, type SalesChannel, type ScenarioId } from '@clusterpulse/contracts';
import { dayOf } from './calendar';
import type { Maker } from './maker';
import { Rng } from './prng';

/**
 * A scenario decides what happens to the cluster's makers beyond the ordinary calendar: platform
 * adoption, a lockdown and its recovery. It never sets a cluster total; it changes each maker's
 * circumstances and the makers' sales add up to whatever they add up to.
 */
export interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  readonly description: string;
  /** First simulated day, 'YYYY-MM-DD' China time; the simulation starts at its midnight. */
  readonly startDay: string;
  /** Demand multiplier of a maker's channel on a day, relative to its ordinary demand. */
  demandFactor(maker: Maker, day: number, channel: SalesChannel): number;
  /** The maker's digitization on the day. */
  digitization(maker: Maker, day: number): number;
  /** Whether the maker's workshop may work on the day at all (closures). */
  workshopOpen(maker: Maker, day: number): boolean;
}

/** Per-maker draws of a scenario, derived from the maker's own seed so they never depend on cluster size. */
function makerDraw(maker: Maker, scenario: string, what: string): Rng {
  return Rng.derive(maker.seed, 'scenario', scenario, what);
}

class Baseline implements Scenario {
  readonly id: ScenarioId = 'baseline-2019';
  readonly title = 'Baseline 2019';
  readonly description = 'The cluster before the platform: ordinary seasons, about 63 bn RMB a year.';
  readonly startDay: string = '2019-01-01';
  demandFactor(): number {
    return 1;
  }
  digitization(maker: Maker): number {
    return maker.digitization;
  }
  workshopOpen(): boolean {
    return true;
  }
}

/**
 * Platform adoption through 2020: each maker joins on its own day (the more digitized, the
 * earlier), then climbs over about three months to its own new digitization level. Demand grows
 * with the digitization gained: online shops and live-stream selling widen e-commerce most,
 * online B2B matching lifts wholesale, and export less.
 */
export const DIGITAL_UPLIFT: Record<SalesChannel, number> = { ecommerce: 1.9, wholesale: 1.05, export: 0.7 };
const ADOPTION_START = dayOf('2020-01-01');
const ADOPTION_WINDOW_DAYS = 230;
const RAMP_DAYS = 90;

class Digital implements Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  readonly description: string;
  readonly startDay: string;
  private readonly joined = new Map<string, { day: number; target: number }>();

  constructor(id: ScenarioId, title: string, description: string, startDay: string) {
    this.id = id;
    this.title = title;
    this.description = description;
    this.startDay = startDay;
  }

  private adoption(maker: Maker): { day: number; target: number } {
    let a = this.joined.get(maker.id);
    if (!a) {
      const rng = makerDraw(maker, 'digital', 'adoption');
      const day = ADOPTION_START + Math.floor(ADOPTION_WINDOW_DAYS * (1 - maker.digitization) * rng.next());
      const target = maker.digitization + Math.max(0, 0.9 - maker.digitization) * rng.uniform(0.55, 1);
      a = { day, target };
      this.joined.set(maker.id, a);
    }
    return a;
  }

  digitization(maker: Maker, day: number): number {
    const { day: joined, target } = this.adoption(maker);
    if (day < joined) return maker.digitization;
    const progress = Math.min(1, (day - joined) / RAMP_DAYS);
    return maker.digitization + (target - maker.digitization) * progress;
  }

  demandFactor(maker: Maker, day: number, channel: SalesChannel): number {
    return 1 + DIGITAL_UPLIFT[channel] * (this.digitization(maker, day) - maker.digitization);
  }

  workshopOpen(): boolean {
    return true;
  }
}

/**
 * 2020 with the Covid-19 lockdown from 23 January: demand falls at once, by channel (wholesale
 * markets and export shut hardest, e-commerce least), then recovers exponentially. Recovery time
 * shrinks with digitization: makers already selling online and working with remote tools come
 * back faster. Workshops stay closed for an extended New Year break, the less digitized longer.
 */
export const LOCKDOWN_START = dayOf('2020-01-23');
export const LOCKDOWN_DEPTH: Record<SalesChannel, number> = { ecommerce: 0.38, wholesale: 0.55, export: 0.5 };
/** Recovery time constant in days for a maker with no digitization; a fully digitized one needs half. */
export const LOCKDOWN_RECOVERY_DAYS: Record<SalesChannel, number> = { ecommerce: 28, wholesale: 42, export: 48 };

class Lockdown implements Scenario {
  readonly id: ScenarioId = 'lockdown-2020';
  readonly title = 'Lockdown 2020';
  readonly description = 'Covid-19 lockdown from 23 January 2020 with gradual recovery; digitized makers recover faster.';
  readonly startDay: string = '2020-01-01';

  demandFactor(maker: Maker, day: number, channel: SalesChannel): number {
    if (day < LOCKDOWN_START) return 1;
    const tau = LOCKDOWN_RECOVERY_DAYS[channel] * (1 - 0.5 * maker.digitization);
    return 1 - LOCKDOWN_DEPTH[channel] * Math.exp(-(day - LOCKDOWN_START) / tau);
  }

  digitization(maker: Maker): number {
    return maker.digitization;
  }

  workshopOpen(maker: Maker, day: number): boolean {
    const closedDays = 18 + Math.round(14 * (1 - maker.digitization));
    return day < LOCKDOWN_START || day >= LOCKDOWN_START + closedDays;
  }
}

export function createScenario(id: ScenarioId): Scenario {
  switch (id) {
    case 'baseline-2019':
      return new Baseline();
    case 'digital-2020':
      return new Digital(id, 'Digital 2020', 'Platform adoption through 2020 lifts the cluster toward 100 bn RMB a year.', '2020-01-01');
    case 'lockdown-2020':
      return new Lockdown();
    case 'double-11':
      return new Digital(id, 'Double 11', 'The Singles\u2019 Day shopping festival on a digitized cluster, from late October 2020.', '2020-10-20');
  }
}

export function isScenarioId(value: string): value is ScenarioId {
  return (SCENARIOS as readonly string[]).includes(value);
}
