#!/usr/bin/env node
// Measures how the dashboard holds up in a real browser against a running server: frame rate,
// longest frame, JS heap and DOM size, sampled once a minute for each view.
//
//   node apps/dashboard/scripts/measure-responsiveness.mjs [url] [minutes] [views]
//   e.g. node apps/dashboard/scripts/measure-responsiveness.mjs http://localhost:3000 60 overview,cluster
//
// Each view gets its own page, all running at once, so an hour measures an hour of every view.
import { chromium } from 'playwright-core';

const url = process.argv[2] ?? 'http://localhost:3000';
const minutes = Number(process.argv[3] ?? 5);
const views = (process.argv[4] ?? 'overview,cluster').split(',');
const hashes = { overview: '#/', cluster: '#/cluster', leaders: '#/leaders' };
const SAMPLE_MS = 10_000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync', '--enable-precise-memory-info'],
});

async function sample(page) {
  return page.evaluate(async (window) => {
    let frames = 0;
    let longest = 0;
    let last = performance.now();
    const end = last + window;
    await new Promise((resolve) => {
      const tick = (now) => {
        frames++;
        longest = Math.max(longest, now - last);
        last = now;
        if (now < end) requestAnimationFrame(tick);
        else resolve();
      };
      requestAnimationFrame(tick);
    });
    return {
      fps: Math.round((frames / (window / 1000)) * 10) / 10,
      longestFrameMs: Math.round(longest),
      heapMB: Math.round((performance.memory?.usedJSHeapSize ?? 0) / 1e5) / 10,
      domNodes: document.getElementsByTagName('*').length,
      alarmRows: document.querySelectorAll('[data-testid="alarm-item"]').length,
      alarmFeedNodes: document.querySelector('[data-testid="alarm-feed"]')?.getElementsByTagName('*').length ?? null,
      chartNodes: [...document.querySelectorAll('[data-testid^="chart-"]')].reduce((sum, chart) => sum + chart.getElementsByTagName('*').length, 0),
      alarmsOpen: document.querySelector('[data-testid="alarms-open"]')?.textContent ?? null,
      alarmsMore: document.querySelector('[data-testid="alarms-more"]')?.textContent ?? null,
      connection: document.querySelector('[data-testid="connection-status"]')?.getAttribute('data-status') ?? null,
      salesYtd: document.querySelector('[data-testid="sales-ytd"]')?.textContent ?? null,
    };
  }, SAMPLE_MS);
}

const pages = await Promise.all(
  views.map(async (view) => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${url}/?lang=en${hashes[view] ?? '#/'}`);
    await page.waitForSelector('[data-testid="connection-status"][data-status="live"]', { timeout: 60_000 });
    return { view, page };
  }),
);

const started = Date.now();
const rows = [];
for (let minute = 0; minute <= minutes; minute++) {
  const target = started + minute * 60_000;
  if (Date.now() < target) await new Promise((resolve) => setTimeout(resolve, target - Date.now()));
  for (const { view, page } of pages) {
    const row = { minute, view, ...(await sample(page)) };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
}

const summary = views.map((view) => {
  const mine = rows.filter((r) => r.view === view);
  return {
    view,
    minFps: Math.min(...mine.map((r) => r.fps)),
    worstFrameMs: Math.max(...mine.map((r) => r.longestFrameMs)),
    heapFirstMB: mine[0].heapMB,
    heapLastMB: mine.at(-1).heapMB,
    heapMaxMB: Math.max(...mine.map((r) => r.heapMB)),
    domNodesFirst: mine[0].domNodes,
    domNodesLast: mine.at(-1).domNodes,
    domNodesMax: Math.max(...mine.map((r) => r.domNodes)),
  };
});
console.table(summary);
await browser.close();
