import { describeDeviceModelContract } from '../../test/device-contract';
import { dayOf, dayStart } from '../calendar';
import { generateCluster } from '../cluster-generator';
import { MakerSimulation, STEP_MS } from '../maker-simulation';
import { createDeviceRegistry } from '../registry';
import { createScenario } from '../scenarios';
import { steamPress } from './steam-press';

// Step 3 of docs/EXTENDING-SIMULATORS.md: the contract every device model passes.
describeDeviceModelContract(steamPress);

// Step 4: registered, the press appears in the makers that need one and sits in their flow.
describe('the steam press registered as a plug-in', () => {
  const registry = createDeviceRegistry().register(steamPress);
  const cluster = generateCluster({ seed: 1, makers: 400, registry });

  it('equips outerwear and dress makers, and only them', () => {
    for (const maker of cluster.makers) {
      const presses = maker.devices.filter((d) => d.kind === 'steam-press').length;
      expect(presses > 0).toBe(maker.category === 'outerwear' || maker.category === 'dresses');
    }
  });

  it('presses the pieces the maker finishes and reports its sensors', () => {
    const maker = cluster.makers.find((m) => m.category === 'outerwear')!;
    const start = dayStart(dayOf('2019-03-04'));
    const sim = new MakerSimulation(maker, createScenario('baseline-2019'), registry, start);
    sim.advanceTo(start + 14 * 24 * STEP_MS);
    const report = sim.takeReport()!;
    const press = report.devices.filter((d) => d.kind === 'steam-press');
    expect(press.reduce((n, d) => n + d.good, 0)).toBeGreaterThan(0);
    expect(press[0].readings).toEqual({ pressureBar: expect.any(Number), plateC: expect.any(Number) });
    // everything packed went through a press first
    expect(report.production[0].good).toBeLessThanOrEqual(press.reduce((n, d) => n + d.good, 0));
  });

  it('refuses a second model for the same kind', () => {
    expect(() => createDeviceRegistry().register(steamPress).register(steamPress)).toThrow(/already registered/);
  });
});
