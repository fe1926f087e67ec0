import { ApiRoutes, SCHEMA_VERSION } from '@clusterpulse/contracts';
import type { Browser, Page } from 'playwright-core';
import type { SimulationHandle } from '../../apps/simulator/src/simulation';
import { launchChromium, saveScreenshot, textOf } from './support/chromium';
import { startSimulator } from './support/simulator';
import { startServer, type RunningStack } from './support/stack';

jest.setTimeout(120_000);

const TOKEN = 'trainer-token-for-browser-tests';

async function waitForResult(page: Page, ok: boolean): Promise<string> {
  const result = page.locator(`[data-testid="trainer-result"][data-ok="${ok}"]`);
  await result.waitFor({ timeout: 30_000 });
  return (await result.textContent()) ?? '';
}

describe('trainer panel against a running server and simulator', () => {
  let browser: Browser;
  let stack: RunningStack;
  let simulation: SimulationHandle;

  beforeAll(async () => {
    browser = await launchChromium();
    stack = await startServer({ MQTT_ALLOW_ANONYMOUS: 'true', TRAINER_TOKEN: TOKEN });
    simulation = await startSimulator(stack.mqttPort, { makers: 20 });
  });

  afterAll(async () => {
    await simulation?.stop();
    await stack?.close();
    await browser?.close();
  });

  it('refuses trainer controls without the token', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${stack.baseUrl}/?lang=en#/trainer`);
    await page.getByTestId('trainer-token').waitFor();
    for (const id of ['trainer-start', 'trainer-pause', 'trainer-reset', 'trainer-inject']) {
      expect(await page.getByTestId(id).isDisabled()).toBe(true);
    }

    // The server is the real gate: a command without a token, or with a wrong one, is refused.
    const bare = await page.request.post(`${stack.baseUrl}${ApiRoutes.trainerCommand}`, { data: { v: SCHEMA_VERSION, cmd: 'pause' } });
    expect(bare.status()).toBe(401);

    await page.getByTestId('trainer-token').fill('not-the-trainer-token');
    await page.getByTestId('trainer-pause').click();
    expect(await waitForResult(page, false)).toMatch(/^Refused: 403/);
    expect(simulation.status().paused).toBe(false);
    await saveScreenshot(page, 'trainer-refused');
    await page.close();
  });

  it('shows the simulator’s status in the header and the panel, and a pause sent from the panel there', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${stack.baseUrl}/?lang=en#/trainer`);
    await page.waitForSelector('[data-testid="sim-status"][data-paused="false"]', { timeout: 30_000 });
    expect(await textOf(page, 'trainer-sim-status-scenario')).toBe('Digitized year 2020 (100 bn run-rate)');
    expect(await textOf(page, 'trainer-sim-status-state')).toBe('Running');
    await page.getByTestId('trainer-token').fill(TOKEN);
    await page.getByTestId('trainer-pause').click();
    expect(await waitForResult(page, true)).toBe('Accepted: pause');
    await page.waitForSelector('[data-testid="sim-status"][data-paused="true"]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid="trainer-sim-status"][data-paused="true"]', { timeout: 30_000 });
    expect(await textOf(page, 'sim-status-state')).toBe('Paused');
    expect(simulation.status().paused).toBe(true);
    await saveScreenshot(page, 'trainer-paused');

    await page.getByTestId('trainer-speed').selectOption('3600');
    await page.getByTestId('trainer-set-speed').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="sim-status-speed"]')?.textContent === '× 3,600', undefined, { timeout: 30_000 });
    await page.getByTestId('trainer-resume').click();
    await page.waitForSelector('[data-testid="sim-status"][data-paused="false"]', { timeout: 30_000 });
    await page.close();
  });

  it('injects a gateway drop whose offline alarm appears beside the controls', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${stack.baseUrl}/?lang=en#/trainer`);
    await page.getByTestId('trainer-token').fill(TOKEN);
    const maker = simulation.cluster.makers[3].id;
    await page.getByTestId('trainer-fault').selectOption('gateway-drop');
    await page.getByTestId('trainer-target').fill(maker);
    await page.getByTestId('trainer-inject').click();
    expect(await waitForResult(page, true)).toBe('Accepted: fault gateway-drop');

    const alarm = page.locator(`[data-testid="alarm-item"][data-alarm-kind="offline"]`, { hasText: maker });
    await alarm.first().waitFor({ timeout: 30_000 });
    await saveScreenshot(page, 'trainer-fault-alarm');
    await page.close();
  });
});
