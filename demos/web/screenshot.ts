/**
 * The README's dashboard screenshot: starts the web demo, opens it in
 * headless Chromium, waits until the page has synced and seen a few blocks,
 * payments and transactions, and writes a PNG.
 *
 *   npm run build:demos && node .build/demos/web/screenshot.js docs/images/dashboard.png
 */
import { launchChromium } from './chromium.js';
import { startDashboard } from './dashboard.js';

async function main(): Promise<void> {
  const out = process.argv[2] ?? 'dashboard.png';
  const dashboard = await startDashboard({ port: 0, blockEvery: 8000, txEvery: 1000, payEvery: 5000 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    await page.goto(dashboard.url);
    await page.locator('#blocks li').nth(2).waitFor({ timeout: 60_000 });
    await page.locator('#payments li', { hasText: 'mempool' }).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: out });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
    await dashboard.close();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
