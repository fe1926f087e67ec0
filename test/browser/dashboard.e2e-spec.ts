import type { Browser, Page } from 'playwright-core';
import { launchChromium, parseEnglishRmb, saveScreenshot, textOf } from './support/chromium';
import { TestGateway } from './support/gateway';
import { startSimulator } from './support/simulator';
import { startServer, type RunningStack } from './support/stack';

jest.setTimeout(120_000);

async function waitForText(page: Page, testId: string, expected: string): Promise<void> {
  await page.waitForFunction(([id, text]) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() === text, [testId, expected] as const, { timeout: 30_000 });
}

async function waitForStatus(page: Page, status: 'live' | 'reconnecting' | 'connecting'): Promise<void> {
  await page.waitForSelector(`[data-testid="connection-status"][data-status="${status}"]`, { timeout: 30_000 });
}

describe('dashboard against a running server', () => {
  let browser: Browser;
  let stack: RunningStack | undefined;
  let gateway: TestGateway | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    await gateway?.close().catch(() => undefined);
    gateway = undefined;
    await stack?.close();
    stack = undefined;
  });

  it('shows exactly the sales a gateway reported, keeps them across a server restart and reconnects by itself', async () => {
    stack = await startServer({ MQTT_ALLOW_ANONYMOUS: 'true' });
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(stack.baseUrl);
    await waitForStatus(page, 'live');

    gateway = await TestGateway.connect(stack.mqttPort, 'e-browser-1');
    await gateway.birth();
    // 123,456.78 + 987,654.32 + 10,000,000.00 RMB = 11,111,111.10 RMB
    await gateway.report(12_345_678);
    await gateway.report(98_765_432, 'wholesale');
    await gateway.report(1_000_000_000, 'export');
    await waitForText(page, 'sales-ytd', '¥11.11 m');
    expect(await textOf(page, 'channel-export-ytd')).toBe('¥10.00 m');
    expect(await textOf(page, 'channel-wholesale-ytd')).toBe('¥987,654');
    expect(await textOf(page, 'enterprises-online')).toBe('1');
    await saveScreenshot(page, 'dashboard-known-reports');

    await gateway.close();
    gateway = undefined;
    const { httpPort, dataDir } = stack;
    await stack.close({ keepData: true });
    stack = undefined;
    await waitForStatus(page, 'reconnecting');
    await saveScreenshot(page, 'dashboard-server-down');

    stack = await startServer({ MQTT_ALLOW_ANONYMOUS: 'true', PORT: String(httpPort) }, dataDir);
    await waitForStatus(page, 'live');
    await waitForText(page, 'sales-ytd', '¥11.11 m');
    expect(await textOf(page, 'channel-export-ytd')).toBe('¥10.00 m');
    await saveScreenshot(page, 'dashboard-after-restart');
    await page.close();
  });

  it('shows sales figures that increase while reports keep arriving', async () => {
    stack = await startServer({ MQTT_ALLOW_ANONYMOUS: 'true' });
    gateway = await TestGateway.connect(stack.mqttPort, 'e-browser-live');
    await gateway.birth();
    const live = gateway;
    let publishing = true;
    const loop = (async () => {
      while (publishing) {
        await live.report(250_000_000);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    try {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      await page.goto(`${stack.baseUrl}/?lang=en`);
      await waitForStatus(page, 'live');
      await page.waitForFunction(() => /^¥/.test(document.querySelector('[data-testid="sales-ytd"]')?.textContent ?? ''), undefined, { timeout: 30_000 });
      const first = parseEnglishRmb(await textOf(page, 'sales-ytd'));
      await page.waitForFunction((before) => {
        const text = document.querySelector('[data-testid="sales-ytd"]')?.textContent?.trim() ?? '';
        const match = /^¥([\d,.]+)(?:\s*(bn|m))?$/.exec(text);
        if (!match) return false;
        const value = Number(match[1].replace(/,/g, '')) * (match[2] === 'bn' ? 1e9 : match[2] === 'm' ? 1e6 : 1);
        return value >= before + 10e6;
      }, first, { timeout: 60_000 });
      const later = parseEnglishRmb(await textOf(page, 'sales-ytd'));
      expect(later).toBeGreaterThan(first);
      // Every report sells 2.5 m RMB: the figure on screen is a whole number of reports.
      expect((later / 2.5e6) % 1).toBeCloseTo(0, 5);
      await saveScreenshot(page, 'dashboard-live');
      await page.close();
    } finally {
      publishing = false;
      await loop;
    }
  });

  it('shows the simulated cluster’s sales rising, day after simulated day', async () => {
    stack = await startServer({ MQTT_ALLOW_ANONYMOUS: 'true' });
    const simulation = await startSimulator(stack.mqttPort);
    try {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      await page.goto(`${stack.baseUrl}/?lang=en`);
      await waitForStatus(page, 'live');
      await page.waitForFunction(() => /^¥[\d,.]+/.test(document.querySelector('[data-testid="sales-ytd"]')?.textContent ?? '') && document.querySelector('[data-testid="sales-ytd"]')?.textContent !== '¥0', undefined, { timeout: 60_000 });
      const firstText = await textOf(page, 'sales-ytd');
      const firstDay = await textOf(page, 'sim-date');
      const first = parseEnglishRmb(firstText);
      await page.waitForFunction(
        ([before, day]) => {
          const text = document.querySelector('[data-testid="sales-ytd"]')?.textContent?.trim() ?? '';
          const match = /^¥([\d,.]+)(?:\s*(bn|m))?$/.exec(text);
          if (!match) return false;
          const value = Number(match[1].replace(/,/g, '')) * (match[2] === 'bn' ? 1e9 : match[2] === 'm' ? 1e6 : 1);
          return value > before && document.querySelector('[data-testid="sim-date"]')?.textContent !== day;
        },
        [first, firstDay] as const,
        { timeout: 60_000 },
      );
      expect(parseEnglishRmb(await textOf(page, 'sales-ytd'))).toBeGreaterThan(first);
      expect(await textOf(page, 'sim-date')).not.toBe(firstDay);
      expect(Number((await textOf(page, 'enterprises-online')).replace(/,/g, ''))).toBeGreaterThan(0);
      // In a browser the history charts draw on canvas: a fixed handful of nodes however many days they show.
      for (const chart of ['chart-production', 'chart-cumulative']) {
        expect(await page.locator(`[data-testid="${chart}"] canvas`).count()).toBeGreaterThan(0);
        expect(await page.locator(`[data-testid="${chart}"] svg`).count()).toBe(0);
      }
      await saveScreenshot(page, 'dashboard-simulated-cluster');
      await page.close();
    } finally {
      await simulation.stop();
    }
  });
});
