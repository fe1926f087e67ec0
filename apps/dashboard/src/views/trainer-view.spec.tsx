import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ApiRoutes, simControlSchema } from '@clusterpulse/contracts';
import { ApiClient } from '../lib/api-client';
import { I18nProvider } from '../i18n/i18n';
import { tableFetch } from '../test/fixtures';
import { faultCommand, TrainerView } from './trainer-view';

function renderTrainer(status = 202) {
  const { impl, calls } = tableFetch({
    [ApiRoutes.trainerCommand]: (init) => {
      const auth = new Headers(init?.headers).get('authorization');
      return auth === 'Bearer s3cret' && status < 300 ? { status, body: { accepted: true } } : { status: 401, body: { statusCode: 401, error: 'Unauthorized', message: 'bad trainer token' } };
    },
  });
  render(
    <I18nProvider locale="en">
      <TrainerView api={new ApiClient('', impl)} />
    </I18nProvider>,
  );
  return calls;
}

describe('TrainerView', () => {
  beforeEach(() => window.sessionStorage.clear());

  it('keeps every control disabled until a token is entered', () => {
    renderTrainer();
    for (const id of ['trainer-start', 'trainer-pause', 'trainer-resume', 'trainer-reset', 'trainer-set-speed', 'trainer-inject']) {
      expect(screen.getByTestId(id)).toBeDisabled();
    }
    fireEvent.change(screen.getByTestId('trainer-token'), { target: { value: 's3cret' } });
    expect(screen.getByTestId('trainer-inject')).toBeEnabled();
  });

  it('posts a valid fault command with the token and says it was accepted', async () => {
    const calls = renderTrainer();
    fireEvent.change(screen.getByTestId('trainer-token'), { target: { value: 's3cret' } });
    fireEvent.change(screen.getByTestId('trainer-fault'), { target: { value: 'power-cut' } });
    fireEvent.change(screen.getByTestId('trainer-target'), { target: { value: 'Park A' } });
    fireEvent.click(screen.getByTestId('trainer-inject'));
    await waitFor(() => expect(screen.getByTestId('trainer-result')).toHaveTextContent('Accepted: fault power-cut'));
    expect(calls).toHaveLength(1);
    expect(calls[0].init?.method).toBe('POST');
    const body = JSON.parse(String(calls[0].init?.body));
    expect(simControlSchema.parse(body)).toEqual({ v: 1, cmd: 'fault', fault: 'power-cut', park: 'Park A' });
  });

  it('shows the server’s refusal of a wrong token', async () => {
    renderTrainer();
    fireEvent.change(screen.getByTestId('trainer-token'), { target: { value: 'guess' } });
    fireEvent.click(screen.getByTestId('trainer-pause'));
    await waitFor(() => expect(screen.getByTestId('trainer-result')).toHaveTextContent('Refused: 401 bad trainer token'));
    expect(screen.getByTestId('trainer-result')).toHaveAttribute('data-ok', 'false');
  });
});

describe('TrainerView simulator status', () => {
  it.each([
    [true, 'Paused', 'true'],
    [false, 'Running', 'false'],
  ])('shows paused=%s with scenario, speed and simulated date', (paused, word, attr) => {
    const sim = { v: 1 as const, ts: Date.UTC(2020, 4, 20, 2), scenario: 'lockdown-2020' as const, seed: 7, speed: 86_400, paused, makers: 20, gatewaysConnected: 20, run: 'run-x' };
    render(
      <I18nProvider locale="en">
        <TrainerView api={new ApiClient('', tableFetch({}).impl)} sim={sim} />
      </I18nProvider>,
    );
    const line = screen.getByTestId('trainer-sim-status');
    expect(line).toHaveAttribute('data-paused', attr);
    expect(screen.getByTestId('trainer-sim-status-state')).toHaveTextContent(word);
    expect(screen.getByTestId('trainer-sim-status-scenario')).toHaveTextContent('Lockdown shock 2020 and recovery');
    expect(screen.getByTestId('trainer-sim-status-speed')).toHaveTextContent('× 86,400');
    expect(screen.getByTestId('trainer-sim-status-date')).toHaveTextContent('2020');
  });

  it('says when no simulator has reported', () => {
    render(
      <I18nProvider locale="en">
        <TrainerView api={new ApiClient('', tableFetch({}).impl)} />
      </I18nProvider>,
    );
    expect(screen.getByTestId('trainer-sim-status')).toHaveTextContent('no simulator status');
  });
});

describe('faultCommand', () => {
  it.each([
    ['breakdown', 'm00042', { v: 1, cmd: 'fault', fault: 'breakdown', enterprise: 'm00042' }],
    ['gateway-drop', ' m7 ', { v: 1, cmd: 'fault', fault: 'gateway-drop', enterprise: 'm7' }],
    ['power-cut', 'Park B', { v: 1, cmd: 'fault', fault: 'power-cut', park: 'Park B' }],
    ['breakdown', '', { v: 1, cmd: 'fault', fault: 'breakdown' }],
  ] as const)('aims %s at %j', (fault, target, expected) => {
    expect(simControlSchema.parse(faultCommand(fault, target))).toEqual(expected);
  });
});
