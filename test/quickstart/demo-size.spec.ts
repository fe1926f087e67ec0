// The quick start's sizing of the demo (scripts/start.mjs) from the open-file limit.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { demoSize } = require('../../scripts/demo-size.cjs') as {
  demoSize(fdLimit: number | null, given: { makersGiven: boolean; fronts: number | null }): { makers: number | null; fronts: number | null; message: string | null };
};

const none = { makersGiven: false, fronts: null };

describe('the size of the demo', () => {
  it('runs the whole cluster in the server itself where the limit allows', () => {
    expect(demoSize(65_536, none)).toEqual({ makers: null, fronts: null, message: null });
    expect(demoSize(null, none)).toEqual({ makers: null, fronts: null, message: null });
  });

  it('holds the whole cluster in front processes where one process cannot, and says so', () => {
    // This machine: a hard limit of 20,000.
    const size = demoSize(20_000, none);
    expect(size).toMatchObject({ makers: null, fronts: 2 });
    expect(size.message).toContain('in 2 front processes (MQTT_FRONTS=2)');
    expect(demoSize(8_192, none).fronts).toBe(3);
    expect(demoSize(5_200, none).fronts).toBe(4);
  });

  it('runs fewer makers where it would take many fronts, or or as MQTT_FRONTS or --makers says', () => {
    expect(demoSize(1_024, none)).toMatchObject({ makers: 100, fronts: null });
    expect(demoSize(4_096, none)).toMatchObject({ makers: 2_048, fronts: null });
    expect(demoSize(4_096, none).message).toContain('running 2048 of the cluster');
    expect(demoSize(20_000, { makersGiven: false, fronts: 0 })).toMatchObject({ makers: 17_952, fronts: null });
    expect(demoSize(20_000, { makersGiven: false, fronts: 1 })).toMatchObject({ makers: 19_936, fronts: null });
    expect(demoSize(20_000, { makersGiven: false, fronts: 1 }).message).toContain('Raise the limit or MQTT_FRONTS');
    expect(demoSize(20_000, { makersGiven: false, fronts: 3 })).toEqual({ makers: null, fronts: null, message: null });
    expect(demoSize(20_000, { makersGiven: true, fronts: null })).toEqual({ makers: null, fronts: null, message: null });
  });
});
