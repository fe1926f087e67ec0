import { useMemo } from 'react';
import { readingExcursions, type DeviceDetail, type EnterpriseHistoryDay } from '@clusterpulse/contracts';
import { useI18n } from '../i18n/i18n';
import { EChart, type ChartOption } from './echart';
import { STATUS_COLOURS } from './cluster-map';

const AXIS = { axisLine: { lineStyle: { color: '#5b6b8c' } }, axisLabel: { color: '#c5d0e6', fontSize: 13 }, splitLine: { lineStyle: { color: '#1f2a44' } } };

/** Devices by line, in the order the server gives them (line, then id); devices without a line last. */
export function byLine(devices: readonly DeviceDetail[]): Array<{ line: string | null; devices: DeviceDetail[] }> {
  const groups = new Map<string | null, DeviceDetail[]>();
  for (const device of devices) {
    const list = groups.get(device.line) ?? [];
    list.push(device);
    groups.set(device.line, list);
  }
  return [...groups].map(([line, list]) => ({ line, devices: list }));
}

/** A reading as an operator reads it; the set point and band are context, not separate rows. */
const HIDDEN_READINGS = new Set(['setpointC', 'toleranceC', 'holding']);

function Readings({ device }: { device: DeviceDetail }) {
  const { t, decimal } = useI18n();
  const out = new Set(readingExcursions(device.kind, device.readings).map((e) => e.reading));
  const entries = Object.entries(device.readings).filter(([name]) => !HIDDEN_READINGS.has(name));
  if (entries.length === 0) return <span className="muted">–</span>;
  return (
    <>
      {entries.map(([name, value]) => (
        <span key={name} className={out.has(name) ? 'reading reading--out' : 'reading'} data-testid={`reading-${device.id}-${name}`} data-out={out.has(name)}>
          {name === 'tempC' ? `${decimal(value, 1)} °C` : `${name} ${decimal(value, 0)}`}
          {name === 'tempC' && device.readings.setpointC !== undefined ? ` / ${decimal(device.readings.setpointC, 0)} °C` : ''}
          {out.has(name) ? ` (${t('maker.outOfRange')})` : ''}
        </span>
      ))}
    </>
  );
}

export function DeviceList({ devices }: { devices: readonly DeviceDetail[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  const lines = useMemo(() => byLine(devices), [devices]);
  return (
    <div className="devices" data-testid="maker-devices">
      <h3 className="panel__title">{t('maker.devices')}</h3>
      {lines.map(({ line, devices: list }) => (
        <div key={line ?? ''} className="devices__line" data-testid="device-line" data-line={line ?? ''}>
          <h4 className="devices__line-name">{line ?? t('maker.noLine')}</h4>
          <table className="table devices__table">
            <thead>
              <tr>
                <th>{t('maker.device')}</th>
                <th>{t('maker.state')}</th>
                <th>{t('maker.oeeLatest')}</th>
                <th>{t('maker.energyLatest')}</th>
                <th>{t('maker.readings')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((device) => (
                <tr key={device.id} data-testid="device-row" data-device-id={device.id} data-state={device.group}>
                  <td>
                    <span className="device__swatch" style={{ background: STATUS_COLOURS[device.group] }} aria-hidden="true" />
                    {device.id} <span className="muted">{device.kind}</span>
                  </td>
                  <td className={`state-text--${device.group}`}>{i18n.state(device.group)}</td>
                  <td data-testid={`device-oee-${device.id}`}>{device.oee ? i18n.percent(device.oee.oee) : t('none')}</td>
                  <td data-testid={`device-energy-${device.id}`}>{device.energyWh === null ? t('none') : `${i18n.decimal(device.energyWh / 1000, 1)} kWh`}</td>
                  <td>
                    <Readings device={device} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </div>
  );
}

export function MakerHistoryChart({ days }: { days: readonly EnterpriseHistoryDay[] }) {
  const { t, money, count, day } = useI18n();
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 90, right: 70, top: 44, bottom: 32 },
      legend: { top: 0, textStyle: { color: '#e8eefc', fontSize: 14 } },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: days.map((d) => day(d.day, 'short')), ...AXIS },
      yAxis: [
        { type: 'value', ...AXIS, axisLabel: { ...AXIS.axisLabel, formatter: (value: number) => money(value, 0) } },
        { type: 'value', ...AXIS, splitLine: { show: false }, axisLabel: { ...AXIS.axisLabel, formatter: (value: number) => count(value) } },
      ],
      series: [
        { type: 'bar', name: t('maker.salesDay'), data: days.map((d) => d.salesFen), itemStyle: { color: '#4cc9f0' }, tooltip: { valueFormatter: (value) => money(Number(value)) } },
        { type: 'line', name: t('maker.goodDay'), yAxisIndex: 1, data: days.map((d) => d.good), showSymbol: days.length < 2, lineStyle: { width: 3, color: '#06d6a0' }, itemStyle: { color: '#06d6a0' }, tooltip: { valueFormatter: (value) => count(Number(value)) } },
      ],
    }),
    [days, t, money, count, day],
  );
  return (
    <div className="maker__history" data-testid="maker-history" data-days={days.length} data-sales-fen={days.reduce((sum, d) => sum + d.salesFen, 0)}>
      <h3 className="panel__title">{t('maker.history')}</h3>
      {days.length === 0 ? <p className="muted">{t('maker.historyEmpty')}</p> : <EChart option={option} height={260} testId="chart-maker-history" label={t('maker.history')} />}
    </div>
  );
}
