import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium; override with CHROMIUM_PATH on machines that keep it elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, sandbox-free (containers), and quiet: no update, sync or other background traffic. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export const ARTIFACTS_DIR = path.resolve(__dirname, '../../../test-artifacts');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** Saves a full-page screenshot as a test artifact and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Reads a figure rendered under a data-testid. */
export async function textOf(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).first().textContent())?.trim() ?? '';
}

/** Parses an English money figure as shown on the dashboard ("¥1.23 bn", "¥456.70 m", "¥12,345") into RMB. */
export function parseEnglishRmb(text: string): number {
  const match = /^¥([\d,.]+)(?:\s*(bn|m))?$/.exec(text.trim());
  if (!match) throw new Error(`not an English RMB figure: ${JSON.stringify(text)}`);
  const value = Number(match[1].replace(/,/g, ''));
  return match[2] === 'bn' ? value * 1e9 : match[2] === 'm' ? value * 1e6 : value;
}
