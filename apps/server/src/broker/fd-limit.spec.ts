import { NON_MQTT_DESCRIPTORS, mqttConnectionCap, openFileLimit } from './fd-limit';

const limits = (soft: string, hard: string) =>
  ['Limit                     Soft Limit           Hard Limit           Units', `Max cpu time              unlimited            unlimited            seconds`, `Max open files            ${soft}                ${hard}                files`].join('\n');

describe('open-file limit', () => {
  it.each([
    [limits('20000', '20000'), 20_000],
    [limits('1048576', '1048576'), 1_048_576],
    [limits('unlimited', 'unlimited'), null],
    ['', null],
  ])('reads the soft limit from /proc/self/limits', (text, expected) => {
    expect(openFileLimit(text)).toBe(expected);
  });

  it('reads this process limit on Linux', () => {
    expect(openFileLimit()).toBeGreaterThan(0);
  });

  it('keeps descriptors free for HTTP, the database and the rest', () => {
    expect(mqttConnectionCap(20_000)).toBe(20_000 - NON_MQTT_DESCRIPTORS);
    expect(mqttConnectionCap(null)).toBeNull();
    expect(mqttConnectionCap(100)).toBe(1);
  });
});
