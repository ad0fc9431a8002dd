import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonProcess, eventually, finishDaemonTest } from '../support/daemon-process.js';
import { E2eProject, sleeper, stack } from '../support/e2e-project.js';

/** What the callbacks of page.evaluate find in the browser (the project's TypeScript has no DOM types). */
type InPage = {
  stillTheSamePage?: boolean;
  getComputedStyle(e: unknown): { backgroundColor: string; borderLeftColor: string };
  document: { documentElement: { scrollWidth: number } };
};

/** Given through the environment, as a service would: every route but the probes asks for it. */
const TOKEN = 'e2e-status-page-token-0123';

const REPORTS = path.resolve(import.meta.dirname, '../.reports');

/** Debian's Chromium, headless, told not to reach anything on the internet (the network rules). */
const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: [
    ...['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
    ...['--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions'],
  ],
};

/** A Stack whose second service can never start (its image is not on the host): one of two running, Degraded. */
const HALF_BROKEN = stack('api', {
  ok: 'image: tinyforge-test/busybox:1, pullPolicy: Never, command: [sleep, "3600"], network: none, init: true, stopTimeout: 2s',
  broken: 'image: tinyforge-test/not-here:1, pullPolicy: Never, network: none',
});

describe('the status page in a real browser, on a real run', () => {
  let project: E2eProject;
  let daemon: DaemonProcess | undefined;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web'), 'worker.yaml': sleeper('worker', ['replicas: 2']) });
    const port = 20000 + Math.floor(Math.random() * 9000);
    base = `http://127.0.0.1:${port}`;
    daemon = new DaemonProcess(project, ['--health-addr', `127.0.0.1:${port}`], { TINYFORGE_WEB_TOKEN: TOKEN });
    browser = await chromium.launch(CHROMIUM);
    fs.mkdirSync(REPORTS, { recursive: true });
    await eventually(
      'ready',
      async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200,
      30_000,
      100,
    );
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await finishDaemonTest(daemon, project);
  });

  const phaseOf = (page: Page, id: string) => page.locator(`section.workload[id="${id}"] h3 .phase`);

  it('renders the workloads, shows a new Degraded one live without reload, marked in colour', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const asked: string[] = [];
    page.on('request', (request) => asked.push(request.url()));
    await page.goto(`${base}/?token=${TOKEN}`);
    await expect.poll(() => phaseOf(page, 'image/worker').textContent(), { timeout: 20_000 }).toBe('Ready');
    expect(await phaseOf(page, 'image/web').textContent()).toBe('Ready');
    expect(await page.locator('tbody tr', { hasText: 'worker' }).first().textContent()).toContain('2/2');
    await page.evaluate(() => Object.assign(globalThis, { stillTheSamePage: true }));

    project.write('api.yaml', HALF_BROKEN);
    const degraded = page.locator('section.workload[id="stack/api"] h3 .phase-degraded');
    await degraded.waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => (globalThis as unknown as InPage).stillTheSamePage)).toBe(true);
    const colour = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((e) => (globalThis as unknown as InPage).getComputedStyle(e).backgroundColor);
    expect(await colour('.phase-degraded')).toBe('rgb(179, 89, 0)');
    expect(await colour('.phase-ready')).toBe('rgb(26, 127, 55)');
    expect(
      await page
        .locator('section.workload[id="stack/api"]')
        .evaluate((e) => (globalThis as unknown as InPage).getComputedStyle(e).borderLeftColor),
    ).toBe('rgb(179, 89, 0)');
    // Everything came from the controller: the page, then its event stream.
    expect(new Set(asked.map((url) => new URL(url).pathname))).toEqual(new Set(['/', '/events']));
    expect(asked.every((url) => url.startsWith(base))).toBe(true);

    await screenshots(page);
    await page.close();
  }, 60_000);

  it('asks for the token everywhere but the probes', async () => {
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('works as a plain page with JavaScript off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    expect((await page.goto(`${base}/`))?.status()).toBe(401);
    await page.goto(`${base}/?token=${TOKEN}`);
    expect(await page.locator('table').first().locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await phaseOf(page, 'image/web').textContent()).toBe('Ready');
    await context.close();
  }, 30_000);

  /** Light and dark, desktop and phone, the page as it is now: test/.reports/status-page-*.png. */
  async function screenshots(page: Page): Promise<void> {
    for (const [width, device] of [
      [1280, 'desktop'],
      [390, 'phone'],
    ] as const) {
      await page.setViewportSize({ width, height: device === 'phone' ? 844 : 900 });
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme });
        await page.screenshot({
          path: path.join(REPORTS, `status-page-${device}-${colorScheme}.png`),
          fullPage: device === 'desktop',
        });
      }
    }
    const scroll = await page.evaluate(() => (globalThis as unknown as InPage).document.documentElement.scrollWidth);
    expect(scroll, 'no sideways scrolling of the whole page on a phone').toBeLessThanOrEqual(390);
  }
});
