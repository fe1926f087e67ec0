import type { DeviceModel } from '../device-model';
import { Station } from '../station';

/** Below this boiler pressure the press cannot set a crease; above it the safety valve lifts. */
export const PRESS_PRESSURE_BAR = { min: 4, max: 6 };

/** A Station with two sensors: boiler pressure and head-plate temperature. */
class SteamPress extends Station {
  private pressureBar = 5;

  protected override readings(): Record<string, number> {
    // the boiler hovers around 5 bar; draw from the device's own stream only
    this.pressureBar = Math.min(PRESS_PRESSURE_BAR.max, Math.max(PRESS_PRESSURE_BAR.min, this.pressureBar + this.rng.normal(0, 0.1)));
    return { pressureBar: Math.round(this.pressureBar * 100) / 100, plateC: Math.round(150 + 4 * (this.pressureBar - 5)) };
  }
}

/**
 * Steam press for finishing: every sewn piece of an outerwear or dress maker is pressed before
 * inspection. The press is fast next to the sewing lines, scorches a piece now and then, and
 * draws most of its power while running.
 */
export const steamPress: DeviceModel = {
  kind: 'steam-press',
  stage: 'finishing',
  idPrefix: 'press',
  description: 'Steam press: pressed pieces, scorched pieces, boiler pressure and plate temperature',
  count: (maker) => (maker.category === 'outerwear' || maker.category === 'dresses' ? Math.max(1, Math.round(maker.employees / 60)) : 0),
  create({ id, maker, rng }) {
    const presses = Math.max(1, Math.round(maker.employees / 60));
    const performance = 0.85;
    // twice the maker's planned output per hour, shared by its presses
    const ratedPerHour = (maker.plannedPiecesPerHour * 2) / presses;
    return new SteamPress({
      id,
      kind: 'steam-press',
      rng,
      idealCycleMs: (3_600_000 * performance) / ratedPerHour,
      performance,
      defectRate: 0.002,
      mtbfHours: 300,
      mttrHours: 1,
      runKw: 9,
      idleKw: 2,
    });
  },
};
