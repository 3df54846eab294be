import { join } from 'node:path';
import type { BcoinPeer } from 'bcoin';
import type { Browser, Page } from 'playwright-core';
import { addressToScript, networks } from '../../lib/index.js';
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH, launchChromium } from '../../demos/web/chromium.js';
import { startDashboard, type Dashboard } from '../../demos/web/dashboard.js';

/**
 * The web dashboard in real headless Chromium (Debian's): the page is bundled
 * from lib/browser.ts, connects to the embedded bcoin node through the bridge,
 * and everything asserted here is what rxbtc's Observables put in the DOM.
 * The test mines and pays itself (the dashboard's own timers are off).
 */
/** Without Chromium this spec is skipped, except in CI (`CI=true`), where .ci/run installs Debian's and it must run. */
const available = existsSync(CHROMIUM_PATH);
const describeWithChromium = available || process.env['CI'] ? describe : describe.skip;
if (!available && !process.env['CI'])
  console.warn(`no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM): skipping the dashboard's browser spec`);

describeWithChromium('npm run web: the dashboard in headless Chromium', () => {
  let dashboard: Dashboard;
  let started: Dashboard | undefined; // for afterAll, when beforeAll failed half-way
  let browser: Browser | undefined;
  let page: Page;
  const errors: string[] = [];
  const text = (id: string): Promise<string> => page.locator(`#${id}`).innerText();
  /** Wait until `#id`'s text matches the pattern (the page updates it from Observables). */
  const until = (id: string, pattern: RegExp): Promise<void> => page.locator(`#${id}`, { hasText: pattern }).waitFor({ timeout: 30_000 });

  beforeAll(async () => {
    dashboard = started = await startDashboard({
      port: 0,
      blocks: 150,
      blockEvery: 0,
      txEvery: 0,
      payEvery: 0,
      root: join(__dirname, '..', '..'),
    });
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(dashboard.url);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await started?.close();
  });

  it("shows bcoin's user agent from the handshake and the transport it fell back to", async () => {
    await until('peer-agent', /bcoin/);
    expect(await text('peer-agent')).toBe('/bcoin:v1.0.2/');
    expect(await text('transport')).toBe('v1'); // `auto` tried BIP324 first; bcoin 1.0.2 speaks v1 only
    expect(await text('services')).toMatch(/Network.*Bloom/);
  });

  it('speaks BIP324 in the page: the filter peer (rxbtc) is v2, with a session id', async () => {
    await until('filter-transport', /^v2$/);
    expect(await text('filter-agent')).toMatch(/rxbtc-filter-server:0\.1\.0/);
    expect(await text('session-id')).toMatch(/^[0-9a-f]{64}$/);
  });

  it("syncs and verifies headers in the page until #tip-height is bcoin's tip", async () => {
    const tip = dashboard.regtest.height; // 150 mined + 2 blocks confirming the watched address's first payments
    expect(tip).toBe(152);
    await until('tip-height', new RegExp(`^${tip}$`));
    await until('sync-label', /synced/);
    expect(
      await page.locator('#sync-progress').evaluate((p) => {
        const bar = p as unknown as { value: number; max: number };
        return [bar.value, bar.max];
      }),
    ).toEqual([tip, tip]);
    expect(await text('tip-hash')).toBe(
      Buffer.from(await dashboard.regtest.blockHash(tip))
        .reverse()
        .toString('hex'),
    );
    await until('counts', /(^| · )merkleblock 3( · |$)/); // the wallet peer rescans from its birthday (150) only: 150–152
    expect(await text('counts')).toMatch(/(^| · )headers [1-9]/);
    expect(await page.locator('#timeline li').count()).toBeGreaterThan(0);
  });

  it('finds the watched address’s earlier payments with merkle proofs, then a new one in the mempool and confirmed', async () => {
    await until('balance', /^0\.00150000 BTC$/); // 50,000 + 100,000 sat paid before the page opened
    await until('balance-158', /^0\.00150000 BTC$/); // the same, found by compact filters over v2
    expect(await text('watch-address')).toBe(dashboard.config.address);
    const script = addressToScript(dashboard.config.address, networks.regtest);
    const txid = Buffer.from(await dashboard.regtest.pay([{ script, value: 70_000 }]))
      .reverse()
      .toString('hex');
    const row = page.locator(`#payments li[data-key="${txid}"]`);
    await row.getByText('mempool').waitFor({ timeout: 30_000 });
    await until('pending', /^0\.00070000 BTC$/);
    await dashboard.regtest.mine(1);
    await row.getByText('confirmed').waitFor({ timeout: 30_000 });
    expect(await row.innerText()).toMatch(/block 153 · merkle proof 2\/2/);
    await until('balance', /^0\.00220000 BTC$/);
    expect(await text('pending')).toBe('0.00000000 BTC');
    const filtered = page.locator(`#payments-158 li[data-key="${txid}"]`); // compact filters see it once mined, in the whole block
    await filtered.waitFor({ timeout: 30_000 });
    expect(await filtered.innerText()).toMatch(/^confirmed 0\.00070000 BTC · .* · block 153 · whole block, tx 1$/);
    await until('balance-158', /^0\.00220000 BTC$/);
  });

  it('shows a block mined during the test, its merkle root checked, and a relayed transaction', async () => {
    const txid = Buffer.from(await dashboard.regtest.sendTransaction())
      .reverse()
      .toString('hex');
    await page.locator('#txs li', { hasText: `${txid.slice(0, 8)}…${txid.slice(-8)}` }).waitFor({ timeout: 30_000 });
    const [hash] = await dashboard.regtest.mine(1);
    const height = dashboard.regtest.height;
    await until('tip-height', new RegExp(`^${height}$`));
    const hex = Buffer.from(hash!).reverse().toString('hex');
    const block = page.locator(`#blocks li[data-key="${height}"]`);
    await block.waitFor({ timeout: 30_000 });
    expect(await block.innerText()).toBe(`${height} ${hex.slice(0, 8)}…${hex.slice(-8)} · 2 txs · merkle root ✓`);
  });

  it('redials when bcoin drops both its peers (retry in the page), keeps its chain, goes on where its wallet stopped', async () => {
    const merkleblocks = async (): Promise<number> => Number(/(?:^| · )merkleblock (\d+)/.exec(await text('counts'))?.[1] ?? 0);
    await until('scanned', new RegExp(`^every block to ${dashboard.regtest.height}$`));
    const before = await text('balance');
    const proofs = await merkleblocks();
    const dropped: BcoinPeer[] = [];
    for (let p = dashboard.regtest.node.pool.peers.head(); p; p = p.next) dropped.push(p);
    expect(dropped).toHaveLength(2); // the page's chain and bloom peers (the filter peer talks to rxbtc)
    for (const p of dropped) p.destroy();
    await until('status', /again in 2 s/);
    await until('status', /^chain: connected \(v1\) · bloom: watching \(v1\) · filters: watching \(v2\)$/);
    await dashboard.regtest.waitForPeers(2);
    const [hash] = await dashboard.regtest.mine(1);
    const height = dashboard.regtest.height;
    await until('tip-height', new RegExp(`^${height}$`)); // the same chain, extended by the new peer
    await page.locator(`#blocks li[data-key="${height}"]`).waitFor({ timeout: 30_000 });
    expect(await page.locator(`#blocks li[data-key="${height}"]`).innerText()).toContain(
      Buffer.from(hash!).reverse().toString('hex').slice(0, 8),
    );
    // The new session's watch starts after the last block checked (onScanned), not at the birthday again: one proof more.
    await until('scanned', new RegExp(`^every block to ${height}$`));
    expect(await merkleblocks()).toBe(proofs + 1);
    expect(await text('balance')).toBe(before);
  });

  it('a reload resumes from IndexedDB: stored payments shown at once, only new headers asked, a payment made meanwhile found', async () => {
    await until('scanned', new RegExp(`^every block to ${dashboard.regtest.height}$`));
    await until('scanned-158', new RegExp(`^every block to ${dashboard.regtest.height}$`));
    const before = dashboard.regtest.height;
    const paidBefore = await page.locator('#payments li').count();
    expect(paidBefore).toBeGreaterThanOrEqual(3);
    const script = addressToScript(dashboard.config.address, networks.regtest);
    const reloading = page.reload(); // while the page reloads: pay the address and mine it
    const txid = Buffer.from(await dashboard.regtest.pay([{ script, value: 30_000 }]))
      .reverse()
      .toString('hex');
    await dashboard.regtest.mine(1);
    await reloading;
    // From the store, before any peer could have answered a rescan: the chain's height and the payments seen.
    await until('stored', /^resumed at \d+ from IndexedDB$/);
    expect(Number(/resumed at (\d+)/.exec(await text('stored'))![1])).toBeGreaterThanOrEqual(before);
    await page
      .locator('#payments li')
      .nth(paidBefore - 1)
      .waitFor({ timeout: 5_000 });
    // The payment made during the reload, found by both methods.
    await page.locator(`#payments li[data-key="${txid}"]`).getByText('confirmed').waitFor({ timeout: 30_000 });
    await page.locator(`#payments-158 li[data-key="${txid}"]`).getByText('confirmed').waitFor({ timeout: 30_000 });
    await until('balance', /^0\.00250000 BTC$/);
    await until('balance-158', /^0\.00250000 BTC$/);
    // No rescan and no header sync from genesis: every headers message since the reload holds at most the new block,
    // and the bloom wallet checked only what came after its stored progress.
    const headerCounts = (await page.locator('#timeline li', { hasText: / headers$/ }).allInnerTexts()).map((t) =>
      Number(/(\d+) headers$/.exec(t)![1]),
    );
    expect(Math.max(0, ...headerCounts)).toBeLessThanOrEqual(1);
    expect(Number(/(?:^| · )merkleblock (\d+)/.exec(await text('counts'))?.[1] ?? 0)).toBeLessThanOrEqual(2);
  });

  it('logged no page error', () => {
    expect(errors).toEqual([]);
  });
});
