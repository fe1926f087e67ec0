import { chinaDay, type SimStatus } from '@clusterpulse/contracts';
import { useI18n } from '../i18n/i18n';

/** What the simulator says it is doing: scenario, speed, paused or running, and its simulated date. */
export function SimStatusLine({ sim, testId = 'sim-status' }: { sim: SimStatus | null; testId?: string }) {
  const { t, integer, day } = useI18n();
  if (!sim) {
    return (
      <span className="sim-status muted" data-testid={testId} data-paused="unknown">
        {t('sim.title')}: {t('sim.none')}
      </span>
    );
  }
  return (
    <span className={sim.paused ? 'sim-status sim-status--paused' : 'sim-status'} data-testid={testId} data-paused={String(sim.paused)} data-scenario={sim.scenario}>
      <strong data-testid={`${testId}-state`}>{sim.paused ? t('sim.paused') : t('sim.running')}</strong>
      {' · '}
      <span data-testid={`${testId}-scenario`}>{t(`scenario.${sim.scenario}`)}</span>
      {' · '}
      <span data-testid={`${testId}-speed`}>{t('sim.speed', { factor: integer(sim.speed) })}</span>
      {' · '}
      <span data-testid={`${testId}-date`}>{day(chinaDay(sim.ts))}</span>
    </span>
  );
}
