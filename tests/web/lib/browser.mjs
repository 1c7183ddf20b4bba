// Chromium through Playwright, and what the tests read from the page: tables by their caption,
// console errors, requests that left the server's origin.
import { chromium } from 'playwright-core';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.TL_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
           '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

// A fresh context (its own sessionStorage) and page that records console errors, page errors,
// every request that did not go to `origin` and (in `api`) the URL of every API request.
export async function openPage(browser, origin, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const problems = { console: [], foreign: [], api: [] };
  page.on('console', (m) => { if (m.type() === 'error') problems.console.push(m.text()); });
  page.on('pageerror', (e) => problems.console.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:') &&
        !url.startsWith('blob:')) {
      problems.foreign.push(url);
    }
    if (url.startsWith(`${origin}/api/v1/`)) problems.api.push(new URL(url));
  });
  return { context, page, problems };
}

// Signs in through the token prompt and waits for the first view's heading.
export async function signIn(page, token) {
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('main h1').filter({ hasNotText: 'Sign in' }).waitFor();
}

// Waits for a view: its heading, and no render in flight.
export async function waitForView(page, heading) {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.waitForFunction(() => !document.getElementById('view').hasAttribute('aria-busy'));
}

// The table whose caption (its accessible name) matches: header texts, body rows, footer.
export async function readTable(page, caption) {
  const table = page.getByRole('table', { name: caption });
  await table.waitFor();
  return table.evaluate((t) => {
    const texts = (row) => [...row.cells].map((c) => c.textContent.trim().replace(/\s+/g, ' '));
    return {
      head: texts(t.tHead.rows[0]),
      rows: [...t.tBodies[0].rows].filter((r) => !r.querySelector('td.empty')).map(texts),
      classes: [...t.tBodies[0].rows].map((r) => r.className),
      foot: t.tFoot && t.tFoot.rows.length ? texts(t.tFoot.rows[0]) : null,
    };
  });
}

// A table as {row header: {column header: text}}.
export function byRow(table) {
  const out = {};
  for (const row of table.rows) {
    out[row[0]] = Object.fromEntries(table.head.map((h, i) => [h, row[i]]));
  }
  return out;
}

// The query parameters of the latest API request the page made to `path`
// (e.g. "/api/v1/dashboard"), or null.
export function lastSent(problems, path) {
  const sent = problems.api.filter((u) => u.pathname === path);
  return sent.length ? Object.fromEntries(sent[sent.length - 1].searchParams) : null;
}

// Clicks the table's "Download CSV" button and returns the file's text.
export async function downloadCsv(page, caption) {
  const button = page.getByRole('button', { name: new RegExp(`^Download CSV: ${caption}`) });
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const stream = await download.createReadStream();
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { name: download.suggestedFilename(), text: Buffer.concat(chunks).toString('utf8') };
}
