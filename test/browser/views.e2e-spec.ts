import type { Browser, Page } from 'playwright-core';
import { launchChromium, saveScreenshot, textOf } from './support/chromium';
import { TestGateway } from './support/gateway';
import { startServer, type RunningStack } from './support/stack';

jest.setTimeout(120_000);

const TOKEN = 'operator-token-for-browser-tests';

async function waitForText(page: Page, testId: string, expected: string): Promise<void> {
  await page.waitForFunction(([id, text]) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() === text, [testId, expected] as const, { timeout: 30_000 });
}

describe('dashboard views against a running server', () => {
  let browser: Browser;
  let stack: RunningStack;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    stack = await startServer({ MQTT_ALLOW_ANONYMOUS: 'true', TRAINER_TOKEN: TOKEN });
    // Three makers with known sales: 1.50 m, 2.50 m and 3.50 m RMB.
    for (const [i, fen] of [150_000_000, 250_000_000, 350_000_000].entries()) {
      const gateway = await TestGateway.connect(stack.mqttPort, `e-view-${i + 1}`);
      gateways.push(gateway);
      await gateway.birth(i === 0 ? 'babywear' : 'tops');
      await gateway.report(fen);
    }
  });

  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    await stack?.close();
    await browser?.close();
  });

  it('switches labels and number formats to Chinese and back without a reload', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${stack.baseUrl}/?lang=en`);
    await waitForText(page, 'sales-ytd', '¥7.50 m');
    expect(await page.getByText('Sales year to date', { exact: true }).count()).toBeGreaterThan(0);

    await page.getByTestId('lang-zh-CN').click();
    await waitForText(page, 'sales-ytd', '750.00 万元');
    expect(await page.getByText('年初至今销售额', { exact: true }).count()).toBeGreaterThan(0);
    expect(await page.getByText('Sales year to date', { exact: true }).count()).toBe(0);
    expect(await textOf(page, 'sim-date')).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日$/);
    expect(await textOf(page, 'connection-status')).toBe('实时');
    await saveScreenshot(page, 'dashboard-zh-CN');

    await page.getByTestId('lang-en').click();
    await waitForText(page, 'sales-ytd', '¥7.50 m');
    await page.close();
  });

  it('draws every maker on the cluster map and opens a maker’s drill-down on click', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${stack.baseUrl}/?lang=en#/cluster`);
    const canvas = page.getByTestId('cluster-canvas');
    await canvas.waitFor();
    expect(await canvas.getAttribute('data-makers')).toBe('3');
    const cell = Number(await canvas.getAttribute('data-cell-size'));
    const label = Number(await canvas.getAttribute('data-label-height'));

    // The first cell of the first park block sits under its label at the canvas's top-left.
    await canvas.hover({ position: { x: cell / 2, y: label + cell / 2 } });
    const tooltip = page.getByTestId('map-tooltip');
    await tooltip.waitFor();
    const hovered = (await tooltip.textContent()) ?? '';
    expect(hovered).toMatch(/Maker e-view-\d/);

    await canvas.click({ position: { x: cell / 2, y: label + cell / 2 } });
    const detail = page.getByTestId('maker-detail');
    await detail.waitFor();
    const id = await detail.getAttribute('data-maker-id');
    expect(hovered).toContain(`Maker ${id}`);
    await waitForText(page, 'maker-id', id!);
    const expectedSales = { 'e-view-1': '¥1.50 m', 'e-view-2': '¥2.50 m', 'e-view-3': '¥3.50 m' }[id!];
    await waitForText(page, 'maker-sales', expectedSales!);
    expect(page.url()).toContain(`#/cluster/${id}`);
    // Its line and device, as the gateway reported them, and its stored day in the history chart.
    const device = page.locator('[data-testid="device-row"][data-device-id="sew1"]');
    await device.waitFor({ timeout: 30_000 });
    expect(await device.getAttribute('data-state')).toBe('running');
    expect(await page.locator('[data-testid="device-line"]').first().getAttribute('data-line')).toBe('L1');
    expect(await textOf(page, 'device-oee-sew1')).toMatch(/%$/);
    // The gateway reported 4,000 Wh for its sewing line in the hour.
    expect(await textOf(page, 'device-energy-sew1')).toBe('4.0 kWh');
    const expectedFen = { 'e-view-1': 150_000_000, 'e-view-2': 250_000_000, 'e-view-3': 350_000_000 }[id!];
    await page.waitForFunction((fen) => document.querySelector('[data-testid="maker-history"]')?.getAttribute('data-sales-fen') === String(fen), expectedFen, { timeout: 30_000 });
    await page.getByTestId('chart-maker-history').waitFor();
    await saveScreenshot(page, 'cluster-drill-down');
    await page.close();
  });

  it('ranks the makers by sales on the leaderboard', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${stack.baseUrl}/?lang=en#/leaders`);
    const board = page.getByTestId('board-sales');
    await board.waitFor();
    const rows = board.locator('tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="board-sales"] tbody tr').length === 3);
    expect(await rows.nth(0).textContent()).toContain('Maker e-view-3');
    expect(await rows.nth(0).textContent()).toContain('¥3.50 m');
    expect(await rows.nth(2).textContent()).toContain('Maker e-view-1');
    await saveScreenshot(page, 'leaderboards');
    await page.close();
  });

  it('raises an alarm in the live feed when a machine faults; an acknowledgement on one screen shows on another and survives a reload', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    // The operator entered the token in the trainer panel earlier in this tab.
    await page.addInitScript((token) => window.sessionStorage.setItem('clusterpulse.trainerToken', token), TOKEN);
    await page.goto(`${stack.baseUrl}/?lang=en`);
    await page.waitForSelector('[data-testid="connection-status"][data-status="live"]');
    await waitForText(page, 'alarms-open', '0 open');
    const other = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await other.goto(`${stack.baseUrl}/?lang=en`);
    await other.waitForSelector('[data-testid="connection-status"][data-status="live"]');
    await gateways[1].report(0, 'ecommerce', 'tops', 'fault');
    const alarm = page.getByTestId('alarm-item').first();
    await alarm.waitFor({ timeout: 30_000 });
    expect(await alarm.getAttribute('data-alarm-kind')).toBe('fault');
    expect(await alarm.textContent()).toContain('e-view-2');
    await waitForText(page, 'alarms-open', '1 open');
    await waitForText(page, 'devices-fault', '1');
    // An operator sees it without scrolling, and the feed has the lower half of the screen for
    // more: it heads the overview's side column (below the channel and device panels it began at
    // 950 px of 1,080 with 49 alarms open, one row visible).
    const box = await alarm.boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(1080);
    expect((await page.getByTestId('alarm-feed').boundingBox())!.y).toBeLessThan(1080 / 2);
    await saveScreenshot(page, 'alarm-raised');
    await waitForText(other, 'alarms-open', '1 open');
    await alarm.getByRole('button', { name: 'Acknowledge' }).click();
    await waitForText(page, 'alarms-open', '0 open');
    expect(await alarm.textContent()).toContain('Acknowledged');
    // The second screen is told by the server, not by the first page.
    await waitForText(other, 'alarms-open', '0 open');
    expect(await other.getByTestId('alarm-item').first().textContent()).toContain('Acknowledged');
    await saveScreenshot(other, 'alarm-acknowledged-elsewhere');
    await other.reload();
    await other.waitForSelector('[data-testid="connection-status"][data-status="live"]');
    await other.getByTestId('alarm-item').first().waitFor();
    await waitForText(other, 'alarms-open', '0 open');
    expect(await other.getByTestId('alarm-item').first().textContent()).toContain('Acknowledged');
    await other.close();
    await page.close();
  });

  it('keeps an alarm open and says why when the screen has no operator token', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${stack.baseUrl}/?lang=en`);
    await page.waitForSelector('[data-testid="connection-status"][data-status="live"]');
    await gateways[2].report(0, 'ecommerce', 'tops', 'fault');
    const alarm = page.locator('[data-testid="alarm-item"]', { hasText: 'e-view-3' }).first();
    await alarm.waitFor({ timeout: 30_000 });
    await alarm.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByTestId('alarms-ack-error').waitFor();
    expect(await textOf(page, 'alarms-ack-error')).toContain('trainer token');
    expect(await alarm.textContent()).not.toContain('Acknowledged');
  });
});
