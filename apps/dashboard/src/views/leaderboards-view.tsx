import { useMemo } from 'react';
import type { EnterpriseSummary } from '@clusterpulse/contracts';
import { quantile } from '../lib/enterprise-directory';
import type { DirectoryState } from '../lib/use-enterprise-directory';
import { useI18n } from '../i18n/i18n';

export const LEADERBOARD_SIZE = 10;

export interface Leaderboards {
  bySales: EnterpriseSummary[];
  byOee: EnterpriseSummary[];
  /** Lowest kWh per 1,000 pieces first; null when the server reports no energy per maker. */
  byEnergy: EnterpriseSummary[] | null;
  percentiles: { sales: (number | null)[]; oee: (number | null)[] };
}

export const PERCENTILES = [0.1, 0.5, 0.9] as const;

export function leaderboards(makers: EnterpriseSummary[], size = LEADERBOARD_SIZE): Leaderboards {
  const byId = (a: EnterpriseSummary, b: EnterpriseSummary) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const bySales = [...makers].sort((a, b) => b.yearToDateFen - a.yearToDateFen || byId(a, b)).slice(0, size);
  const withOee = makers.filter((m): m is EnterpriseSummary & { oee: number } => m.oee !== null);
  const byOee = [...withOee].sort((a, b) => b.oee - a.oee || byId(a, b)).slice(0, size);
  const withEnergy = makers.filter((m): m is EnterpriseSummary & { kwhPer1000Pieces: number } => typeof m.kwhPer1000Pieces === 'number');
  const byEnergy = withEnergy.length === 0 ? null : [...withEnergy].sort((a, b) => a.kwhPer1000Pieces - b.kwhPer1000Pieces || byId(a, b)).slice(0, size);
  const sales = makers.map((m) => m.yearToDateFen).sort((a, b) => a - b);
  const oee = withOee.map((m) => m.oee).sort((a, b) => a - b);
  return { bySales, byOee, byEnergy, percentiles: { sales: PERCENTILES.map((q) => quantile(sales, q)), oee: PERCENTILES.map((q) => quantile(oee, q)) } };
}

function Board({ title, rows, value, testId, onSelect }: { title: string; rows: EnterpriseSummary[]; value: (m: EnterpriseSummary) => string; testId: string; onSelect: (id: string) => void }) {
  const { t } = useI18n();
  return (
    <section className="panel" data-testid={testId}>
      <h2 className="panel__title">{title}</h2>
      <table className="board">
        <thead>
          <tr>
            <th>{t('leaders.rank')}</th>
            <th>{t('leaders.maker')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((maker, i) => (
            <tr key={maker.id}>
              <td>{i + 1}</td>
              <td>
                <button type="button" className="link" onClick={() => onSelect(maker.id)}>
                  {maker.name}
                </button>
                <span className="muted"> · {maker.park}</span>
              </td>
              <td className="board__value">{value(maker)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function LeaderboardsView({ directory, onSelect }: { directory: DirectoryState; onSelect: (id: string) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const boards = useMemo(() => (directory.makers ? leaderboards(directory.makers) : null), [directory.makers]);
  if (!boards) {
    return (
      <main className="overview overview--empty">
        <p className="muted">{directory.error ?? t('map.loading')}</p>
      </main>
    );
  }
  const show = (value: number | null, as: (v: number) => string) => (value === null ? t('none') : as(value));
  return (
    <main className="leaders">
      <Board title={t('leaders.bySales')} rows={boards.bySales} value={(m) => i18n.money(m.yearToDateFen)} testId="board-sales" onSelect={onSelect} />
      <Board title={t('leaders.byOee')} rows={boards.byOee} value={(m) => show(m.oee, (v) => i18n.percent(v))} testId="board-oee" onSelect={onSelect} />
      {boards.byEnergy ? (
        <Board title={t('leaders.byEnergy')} rows={boards.byEnergy} value={(m) => show(m.kwhPer1000Pieces ?? null, (v) => i18n.decimal(v, 1))} testId="board-energy" onSelect={onSelect} />
      ) : (
        <section className="panel">
          <h2 className="panel__title">{t('leaders.byEnergy')}</h2>
          <p className="muted">{t('leaders.noEnergy')}</p>
        </section>
      )}
      <section className="panel" data-testid="percentiles">
        <h2 className="panel__title">{t('leaders.percentiles')}</h2>
        <table className="board">
          <thead>
            <tr>
              <th>{t('leaders.metric')}</th>
              {PERCENTILES.map((q) => (
                <th key={q}>P{q * 100}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{t('target.yearToDate')}</th>
              {boards.percentiles.sales.map((v, i) => (
                <td key={i}>{show(v, (x) => i18n.money(Math.round(x)))}</td>
              ))}
            </tr>
            <tr>
              <th scope="row">{t('oee.title')}</th>
              {boards.percentiles.oee.map((v, i) => (
                <td key={i}>{show(v, (x) => i18n.percent(x))}</td>
              ))}
            </tr>
          </tbody>
        </table>
      </section>
    </main>
  );
}
