import type { ServerEvent } from '@clusterpulse/contracts';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { I18nProvider } from '../i18n/i18n';
import { upsertAlarm, type AlarmEntry } from '../lib/cluster-feed';
import type { Locale } from '../lib/format';
import { alarmFixture, parkAlarmFixture } from '../test/fixtures';
import { ALARM_ROWS, AlarmFeed } from './alarm-feed';

/** The alarms a screen holds after these frames, applied the way the live feed applies them. */
function held(events: ServerEvent[]): AlarmEntry[] {
  let alarms: AlarmEntry[] = [];
  for (const e of events) {
    if (e.event === 'alarm') alarms = upsertAlarm(alarms, e.data);
    if (e.event === 'alarm-ack') alarms = alarms.map((a) => (a.id === e.data.id ? { ...a, acknowledged: true, acknowledgedAt: e.data.acknowledgedAt } : a));
  }
  return alarms;
}

function renderFeed(events: ServerEvent[], locale: Locale = 'en', onAcknowledge: (id: string) => void = () => undefined) {
  return render(
    <I18nProvider locale={locale}>
      <AlarmFeed alarms={held(events)} onAcknowledge={onAcknowledge} onAcknowledgeAll={() => undefined} />
    </I18nProvider>,
  );
}

const T = Date.UTC(2020, 5, 30, 2, 0);
const faults = (n: number, from = 0): ServerEvent[] =>
  Array.from({ length: n }, (_, i) => ({ event: 'alarm', data: alarmFixture({ id: `f${from + i}`, enterprise: `m${from + i}`, firstAt: T + (from + i) * 60_000, lastAt: T + (from + i) * 60_000 }) }));

describe('AlarmFeed', () => {
  it('shows a repeated condition once, with how many times and since when', () => {
    renderFeed([
      { event: 'alarm', data: alarmFixture({ id: 'a1', count: 1, firstAt: T, lastAt: T }) },
      { event: 'alarm', data: alarmFixture({ id: 'a1', count: 7, firstAt: T, lastAt: T + 40 * 60_000 }) },
    ]);
    const [row] = screen.getAllByTestId('alarm-item');
    expect(screen.getAllByTestId('alarm-item')).toHaveLength(1);
    expect(within(row).getByTestId('alarm-count')).toHaveTextContent('×7');
    expect(row).toHaveTextContent('e00042 · sewing-3');
    expect(row).toHaveTextContent('since Jun 30, 10:00');
    expect(row).toHaveTextContent('Jun 30, 10:40');
    expect(screen.getByTestId('alarms-open')).toHaveTextContent('1 open');
  });

  it('counts a repeat in its row, and brings the alarm back on top only when its count doubles', () => {
    const a = (id: string, count: number): ServerEvent => ({ event: 'alarm', data: alarmFixture({ id, enterprise: `maker-${id}`, count }) });
    const order = () => screen.getAllByTestId('alarm-item').map((row) => row.textContent!.match(/maker-(\w+)/)![1]);
    const { rerender } = renderFeed([a('a', 1), a('b', 1), a('a', 2)]);
    expect(order()).toEqual(['a', 'b']);
    rerender(
      <I18nProvider locale="en">
        <AlarmFeed alarms={held([a('a', 1), a('b', 1), a('a', 2), a('b', 2), a('a', 3)])} onAcknowledge={() => undefined} onAcknowledgeAll={() => undefined} />
      </I18nProvider>,
    );
    expect(order()).toEqual(['b', 'a']);
    expect(screen.getAllByTestId('alarm-count').map((badge) => badge.textContent)).toEqual(['×2', '×3']);
  });

  it('shows no count for an alarm that happened once', () => {
    renderFeed([{ event: 'alarm', data: alarmFixture() }]);
    expect(screen.queryByTestId('alarm-count')).toBeNull();
  });

  it('shows a park-wide power cut as one row: the park, how many makers and alarms, and the latest', () => {
    renderFeed([...faults(2).map((e) => e), { event: 'alarm', data: parkAlarmFixture({ replaces: ['f0', 'f1'] }) }]);
    const rows = screen.getAllByTestId('alarm-item');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveAttribute('data-alarm-scope', 'park');
    expect(rows[0]).toHaveTextContent('Zhili East Park · Zhili');
    expect(within(rows[0]).getByTestId('alarm-park-summary')).toHaveTextContent('1,843 makers · 23,410 alarms');
    expect(rows[0]).toHaveTextContent('Latest: m01843 · meter — energy-meter meter reports a fault');
    expect(screen.getByTestId('alarms-open')).toHaveTextContent('1 open');
  });

  it('speaks Chinese: the kind, the park summary, the count and the remainder', () => {
    renderFeed([{ event: 'alarm', data: parkAlarmFixture() }, { event: 'alarm', data: alarmFixture({ id: 'x', count: 3, firstAt: T, lastAt: T + 60_000 }) }, ...faults(ALARM_ROWS)], 'zh-CN');
    const park = screen.getAllByTestId('alarm-item').find((row) => row.getAttribute('data-alarm-scope') === 'park');
    // the park alarm is older than the twelve faults after it: it is counted below, not drawn
    expect(park).toBeUndefined();
    expect(screen.getByTestId('alarms-more')).toHaveTextContent('另有 2 条（2 条未确认）');
    expect(screen.getAllByTestId('alarm-item')[0]).toHaveTextContent('故障');
    expect(screen.getByTestId('alarms-open')).toHaveTextContent(`${ALARM_ROWS + 2} 条未确认`);
  });

  it('describes a park alarm in Chinese', () => {
    renderFeed([{ event: 'alarm', data: parkAlarmFixture({ kind: 'offline', severity: 'warning' }) }], 'zh-CN');
    const [row] = screen.getAllByTestId('alarm-item');
    expect(row).toHaveTextContent('离线');
    expect(within(row).getByTestId('alarm-park-summary')).toHaveTextContent('1,843 家企业 · 23,410 条告警');
    expect(row).toHaveTextContent('最新：m01843 · meter');
  });

  it(`draws at most ${ALARM_ROWS} rows however many alarms arrive, and says how many more`, () => {
    renderFeed(faults(300));
    const rows = screen.getAllByTestId('alarm-item');
    expect(rows).toHaveLength(ALARM_ROWS);
    expect(rows[0]).toHaveTextContent('m299');
    expect(screen.getByTestId('alarms-more')).toHaveTextContent(`and ${300 - ALARM_ROWS} more (${300 - ALARM_ROWS} open)`);
    expect(screen.getByTestId('alarms-open')).toHaveTextContent('300 open');
  });

  it('draws open alarms before acknowledged ones, and counts the acknowledged rest', () => {
    const events: ServerEvent[] = [...faults(20), ...Array.from({ length: 15 }, (_, i): ServerEvent => ({ event: 'alarm-ack', data: { id: `f${19 - i}`, acknowledgedAt: 1 } }))];
    renderFeed(events);
    const rows = screen.getAllByTestId('alarm-item');
    expect(rows).toHaveLength(ALARM_ROWS);
    // five open (f0..f4, newest first), then the newest acknowledged
    expect(rows.slice(0, 5).map((r) => within(r).queryByRole('button', { name: 'Acknowledge' }) !== null)).toEqual([true, true, true, true, true]);
    expect(rows[0]).toHaveTextContent('m4');
    expect(rows[5]).toHaveTextContent('m19');
    expect(rows[5]).toHaveTextContent('Acknowledged');
    expect(screen.getByTestId('alarms-more')).toHaveTextContent(`and ${20 - ALARM_ROWS} more, all acknowledged`);
  });

  it('has nothing to add when every alarm fits', () => {
    renderFeed(faults(3));
    expect(screen.getAllByTestId('alarm-item')).toHaveLength(3);
    expect(screen.queryByTestId('alarms-more')).toBeNull();
  });

  it('acknowledges a park alarm by its id', () => {
    const acknowledged: string[] = [];
    renderFeed([{ event: 'alarm', data: parkAlarmFixture() }], 'en', (id) => acknowledged.push(id));
    fireEvent.click(screen.getByRole('button', { name: 'Acknowledge' }));
    expect(acknowledged).toEqual([parkAlarmFixture().id]);
  });
});
