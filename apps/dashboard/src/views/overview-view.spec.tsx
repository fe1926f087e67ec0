import { fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import type { Locale } from '../lib/format';
import type { AlarmEntry } from '../lib/cluster-feed';
import { I18nProvider } from '../i18n/i18n';
import { alarmFixture, historyFixture, kpisFixture } from '../test/fixtures';
import { OverviewView } from './overview-view';
import type { ClusterKpisResponse } from '@clusterpulse/contracts';

function renderOverview(kpis: ClusterKpisResponse | null, locale: Locale = 'en', alarms: AlarmEntry[] = []) {
  function Harness() {
    const [list, setList] = useState(alarms);
    return (
      <OverviewView
        kpis={kpis}
        history={historyFixture(182)}
        alarms={list}
        onAcknowledge={(id) => setList((all) => all.map((a) => (a.id === id ? { ...a, acknowledged: true } : a)))}
        onAcknowledgeAll={() => setList((all) => all.map((a) => ({ ...a, acknowledged: true })))}
      />
    );
  }
  return render(
    <I18nProvider locale={locale}>
      <Harness />
    </I18nProvider>,
  );
}

describe('OverviewView', () => {
  it('says it is waiting until the first snapshot arrives', () => {
    renderOverview(null);
    expect(screen.getByTestId('no-data')).toHaveTextContent('Waiting for the first report');
    expect(screen.queryByTestId('sales-ytd')).toBeNull();
  });

  it('shows sales, the projection and the gap to the 100 bn target in English units', () => {
    renderOverview(kpisFixture());
    expect(screen.getByTestId('sales-ytd')).toHaveTextContent('¥43.10 bn');
    expect(screen.getByTestId('sales-today')).toHaveTextContent('¥274.00 m');
    expect(screen.getByTestId('projected-year-end')).toHaveTextContent('¥88.00 bn');
    expect(screen.getByTestId('run-rate')).toHaveTextContent('¥89.50 bn');
    expect(screen.getByTestId('gap-to-target')).toHaveTextContent('¥56.90 bn');
    expect(screen.getByTestId('needed-daily')).toHaveTextContent('¥311.00 m');
    expect(screen.getByTestId('target-reached-date')).toHaveTextContent("Not at today's rate");
    expect(screen.getByTestId('target-share')).toHaveTextContent('43.1% of target');
    expect(screen.getByRole('heading', { name: /Progress toward the ¥100 bn target/ })).toBeInTheDocument();
  });

  it('names the day the target is reached when the current rate gets there', () => {
    const base = kpisFixture();
    renderOverview({ ...base, sales: { ...base.sales, targetReachedDate: '2020-12-14' } });
    expect(screen.getByTestId('target-reached-date')).toHaveTextContent('Dec 14, 2020');
  });

  it('writes money in 亿/万 and labels in Chinese when the language is Chinese', () => {
    renderOverview(kpisFixture(), 'zh-CN');
    expect(screen.getByTestId('sales-ytd')).toHaveTextContent('431.00 亿元');
    expect(screen.getByTestId('sales-today')).toHaveTextContent('2.74 亿元');
    expect(screen.getByTestId('channel-export-today')).toHaveTextContent('5,000.00 万元');
    expect(screen.getByText('年初至今销售额')).toBeInTheDocument();
    expect(screen.getByText('电商')).toBeInTheDocument();
    expect(screen.getByTestId('target-reached-date')).toHaveTextContent('按当前速度无法达标');
  });

  it('shows sales by channel, device states, makers online and ingest health', () => {
    renderOverview(kpisFixture());
    expect(screen.getByTestId('channel-ecommerce-ytd')).toHaveTextContent('¥21.00 bn');
    expect(screen.getByTestId('channel-wholesale-today')).toHaveTextContent('¥94.00 m');
    expect(screen.getByTestId('devices-running')).toHaveTextContent('61,000');
    expect(screen.getByTestId('devices-fault')).toHaveTextContent('420');
    expect(screen.getByTestId('devices-total')).toHaveTextContent('76,000 in total');
    expect(screen.getByTestId('enterprises-online')).toHaveTextContent('19,480');
    expect(screen.getByTestId('enterprises-online-share')).toHaveTextContent('97.4%');
    expect(screen.getByTestId('ingest-rejected')).toHaveTextContent('3');
    expect(within(screen.getByTestId('reject-reasons')).getByText('schema').parentElement).toHaveTextContent('schema 2');
    expect(screen.getByTestId('oee')).toHaveTextContent('71.3%');
    expect(screen.getByTestId('energy-per-1000')).toHaveTextContent('412.5');
    expect(screen.getByTestId('pieces-per-hour')).toHaveTextContent('28,000');
  });

  it('shows a dash rather than a number when OEE and energy are not known yet', () => {
    renderOverview({ ...kpisFixture(), oee: null, kwhPer1000Pieces: null });
    expect(screen.getByTestId('oee')).toHaveTextContent('—');
    expect(screen.getByTestId('energy-per-1000')).toHaveTextContent('—');
  });

  it('draws the history charts with category names from the data', async () => {
    renderOverview(kpisFixture());
    const production = screen.getByTestId('chart-production');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(production.querySelector('svg')).not.toBeNull();
    expect(production.textContent).toContain('School uniforms');
    expect(screen.getByTestId('chart-cumulative').textContent).toContain('Target pace');
  });

  it('acknowledges an alarm, leaving it in the feed but no longer open', () => {
    renderOverview(kpisFixture(), 'en', [
      { ...alarmFixture({ id: 'a1', message: 'Dye vat 2 at 104 °C' }), acknowledged: false },
      { ...alarmFixture({ id: 'a2', kind: 'offline', message: 'Gateway went offline' }), acknowledged: false },
    ]);
    expect(screen.getByTestId('alarms-open')).toHaveTextContent('2 open');
    const first = screen.getAllByTestId('alarm-item')[0];
    fireEvent.click(within(first).getByRole('button', { name: 'Acknowledge' }));
    expect(screen.getByTestId('alarms-open')).toHaveTextContent('1 open');
    expect(within(first).getByText('Acknowledged')).toBeInTheDocument();
    expect(screen.getAllByTestId('alarm-item')).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Acknowledge all' }));
    expect(screen.getByTestId('alarms-open')).toHaveTextContent('0 open');
  });
});
