import { useState } from 'react';
import { ApiRoutes, FAULT_KINDS, SCENARIOS, SCHEMA_VERSION, type FaultKind, type ScenarioId, type SimControl, type SimStatus, type TrainerCommandResponse } from '@clusterpulse/contracts';
import { ApiError, type ApiClient } from '../lib/api-client';
import { readToken, writeToken } from '../lib/operator-token';
import { SimStatusLine } from '../components/sim-status';
import { useI18n } from '../i18n/i18n';

export const SPEEDS = [1, 60, 3600, 86_400, 604_800] as const;

/** Faults aimed at a park rather than one maker. */
const PARK_FAULTS: ReadonlySet<FaultKind> = new Set(['power-cut']);

export function faultCommand(fault: FaultKind, target: string): SimControl {
  const trimmed = target.trim();
  if (!trimmed) return { v: SCHEMA_VERSION, cmd: 'fault', fault };
  return PARK_FAULTS.has(fault) ? { v: SCHEMA_VERSION, cmd: 'fault', fault, park: trimmed } : { v: SCHEMA_VERSION, cmd: 'fault', fault, enterprise: trimmed };
}

/**
 * The trainer's console: every button is one SimControl command, posted with the trainer token.
 * The server checks the token and relays the command to the simulator over the control topic.
 */
export function TrainerView({ api, sim = null }: { api: ApiClient; sim?: SimStatus | null }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [token, setToken] = useState(readToken);
  const [scenario, setScenario] = useState<ScenarioId>('digital-2020');
  const [speed, setSpeed] = useState<number>(86_400);
  const [fault, setFault] = useState<FaultKind>('breakdown');
  const [target, setTarget] = useState('');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const disabled = token.trim() === '' || busy;

  const remember = (value: string) => {
    setToken(value);
    writeToken(value);
  };

  const send = async (command: SimControl) => {
    setBusy(true);
    try {
      await api.post<TrainerCommandResponse>(ApiRoutes.trainerCommand, command, { authorization: `Bearer ${token.trim()}` });
      setResult({ ok: true, text: t('trainer.sent', { command: command.cmd === 'fault' ? `${command.cmd} ${command.fault}` : command.cmd }) });
    } catch (error) {
      const message = error instanceof ApiError ? `${error.status} ${error.message}` : error instanceof Error ? error.message : String(error);
      setResult({ ok: false, text: t('trainer.refused', { message }) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="trainer">
      <section className="panel" aria-labelledby="trainer-title">
        <h2 id="trainer-title" className="panel__title">
          {t('trainer.title')}
        </h2>
        <SimStatusLine sim={sim} testId="trainer-sim-status" />
        <label className="field">
          <span>{t('trainer.token')}</span>
          <input type="password" autoComplete="off" value={token} onChange={(e) => remember(e.target.value)} data-testid="trainer-token" />
        </label>
        {token.trim() === '' && <p className="muted">{t('trainer.tokenHint')}</p>}

        <div className="trainer__row">
          <label className="field">
            <span>{t('trainer.scenario')}</span>
            <select value={scenario} onChange={(e) => setScenario(e.target.value as ScenarioId)} data-testid="trainer-scenario">
              {SCENARIOS.map((id) => (
                <option key={id} value={id}>
                  {t(`scenario.${id}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="button" disabled={disabled} onClick={() => send({ v: SCHEMA_VERSION, cmd: 'scenario', scenario })} data-testid="trainer-start">
            {t('trainer.start')}
          </button>
          <button type="button" className="button" disabled={disabled} onClick={() => send({ v: SCHEMA_VERSION, cmd: 'pause' })} data-testid="trainer-pause">
            {t('trainer.pause')}
          </button>
          <button type="button" className="button" disabled={disabled} onClick={() => send({ v: SCHEMA_VERSION, cmd: 'resume' })} data-testid="trainer-resume">
            {t('trainer.resume')}
          </button>
          <button type="button" className="button button--danger" disabled={disabled} onClick={() => send({ v: SCHEMA_VERSION, cmd: 'reset' })} data-testid="trainer-reset">
            {t('trainer.reset')}
          </button>
        </div>

        <div className="trainer__row">
          <label className="field">
            <span>{t('trainer.speed')}</span>
            <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))} data-testid="trainer-speed">
              {SPEEDS.map((factor) => (
                <option key={factor} value={factor}>
                  × {i18n.integer(factor)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="button" disabled={disabled} onClick={() => send({ v: SCHEMA_VERSION, cmd: 'speed', factor: speed })} data-testid="trainer-set-speed">
            {t('trainer.setSpeed')}
          </button>
        </div>

        <h3 className="panel__title">{t('trainer.faults')}</h3>
        <div className="trainer__row">
          <label className="field">
            <span>{t('trainer.fault')}</span>
            <select value={fault} onChange={(e) => setFault(e.target.value as FaultKind)} data-testid="trainer-fault">
              {FAULT_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`fault.${kind}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('trainer.target')}</span>
            <input value={target} onChange={(e) => setTarget(e.target.value)} data-testid="trainer-target" />
          </label>
          <button type="button" className="button button--danger" disabled={disabled} onClick={() => send(faultCommand(fault, target))} data-testid="trainer-inject">
            {t('trainer.inject')}
          </button>
        </div>
        {result && (
          <p className={result.ok ? 'trainer__result' : 'trainer__result trainer__result--refused'} role="status" data-testid="trainer-result" data-ok={result.ok}>
            {result.text}
          </p>
        )}
      </section>
    </main>
  );
}
