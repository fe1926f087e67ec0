import { DYE_TOLERANCE_C, readingExcursions } from './limits';

const holding = (tempC: number, setpointC = 98) => ({ tempC, setpointC, toleranceC: DYE_TOLERANCE_C, holding: 1 });

describe('reading limits', () => {
  it.each([
    ['at the set point', holding(98), []],
    ['at the edge of the band', holding(60 + DYE_TOLERANCE_C, 60), []],
    ['just above the band', holding(98 + DYE_TOLERANCE_C + 0.1), [{ reading: 'tempC', low: 95, high: 100 }]],
    ['below the band of a cooler recipe', holding(55, 60), [{ reading: 'tempC', low: 57, high: 63 }]],
    ['far from the set point while not holding', { tempC: 45, setpointC: 98, toleranceC: 3, holding: 0 }, []],
    ['above boiling even while heating', { tempC: 101, setpointC: 98, holding: 0 }, [{ reading: 'tempC', low: 0, high: 100 }]],
  ])('a dye bath %s', (_what, readings, expected) => {
    expect(readingExcursions('dye-vat', readings)).toEqual(expected.map((e) => expect.objectContaining({ ...e, unit: '°C' })));
  });

  it('falls back to the documented tolerance when the device does not report one', () => {
    expect(readingExcursions('dye-vat', { tempC: 60 + DYE_TOLERANCE_C + 1, setpointC: 60, holding: 1 })).toHaveLength(1);
    expect(readingExcursions('dye-vat', { tempC: 60 + DYE_TOLERANCE_C - 1, setpointC: 60, holding: 1 })).toHaveLength(0);
  });

  it('ignores kinds and readings without a documented range', () => {
    expect(readingExcursions('sewing-line', { tempC: 500 })).toEqual([]);
    expect(readingExcursions('dye-vat', { batches: 1e6 })).toEqual([]);
    expect(readingExcursions('dye-vat', undefined)).toEqual([]);
  });
});
