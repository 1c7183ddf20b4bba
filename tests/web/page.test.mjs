// Browser tests of the dashboard page (docs/page.md) against the real `ticketledger serve`
// with a seeded history: every view renders, its numbers equal the API's, the as-of control
// shows the right past state, no console errors, nothing fetched from elsewhere, a wrong token
// gets a clear message. Screenshots of each view (1280x800) go to $TL_SCREENSHOTS.
//
// Test names start with their group: "page", "token", "ticket", "keyboard" need only the
// ticket API; "reports" need the report endpoints (Projections::Report); "day" are the working
// day's tools: the browser's `now`, auto-refresh, the ticket list, drill-down, CSV, paging.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';

import { byRow, downloadCsv, lastSent, launch, openPage, readTable, signIn,
         waitForView } from './lib/browser.mjs';
import { parseCsv } from './lib/csv.mjs';
import * as expect from './lib/expect.mjs';
import { Client, Server } from './lib/server.mjs';
import { seed } from './lib/seed.mjs';

const shots = process.env.TL_SCREENSHOTS;
let server;
let browser;
let reader;
let auditor;
let seeded;

const kAllowed401 = /Failed to load resource: the server responded with a status of 401/;
const kAllowed403 = /Failed to load resource: the server responded with a status of 403/;

before(async () => {
  server = new Server(process.env.TL_BIN);
  await server.start();
  const admin = new Client(server.url, server.tokens.admin);
  const importer = new Client(server.url, server.tokens.importer);
  reader = new Client(server.url, server.tokens.reader);
  auditor = new Client(server.url, server.tokens.auditor);
  const started = Date.now();
  seeded = await seed(admin, importer);
  const events = (await auditor.get('/api/v1/audit/verify')).events;
  console.log(`# seeded ${seeded.ids.length} tickets, ${events} events in ` +
              `${((Date.now() - started) / 1000).toFixed(1)} s`);
  const probes = ['/api/v1/dashboard', '/api/v1/reports/volume', '/api/v1/reports/workload',
                  '/api/v1/reports/response-times', '/api/v1/reports/satisfaction',
                  '/api/v1/followups', '/api/v1/feedback/pending'];
  const answers = await Promise.all(probes.map((p) => reader.request('GET', p)));
  answers.forEach((a, i) => assert.equal(a.status, 200, `${probes[i]} answers`));
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) assert.equal(await server.stop(), 0, 'the server shuts down cleanly');
});

// Opens the page signed in with `token` at `hash`; returns {page, problems, context}.
async function signedIn(token, hash = '', viewport = undefined) {
  const opened = await openPage(browser, server.url, viewport);
  await opened.page.goto(`${server.url}/${hash}`);
  await signIn(opened.page, token);
  return opened;
}

// No console errors but those allowed, and nothing fetched from another origin.
function assertClean(problems, allowed = []) {
  const errors = problems.console.filter((text) => !allowed.some((re) => re.test(text)));
  assert.deepEqual(errors, [], 'no console errors');
  assert.deepEqual(problems.foreign, [], 'nothing fetched from another origin');
}

async function screenshot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

// Whether the figure's chart is drawn; returns its labels and datasets ({label, data}).
async function chartDrawn(page, caption) {
  const figure = page.getByRole('figure', { name: caption });
  await figure.waitFor();
  return figure.evaluate((f) => {
    const canvas = f.querySelector('canvas');
    const chart = window.Chart && window.Chart.getChart(canvas);
    if (!chart || canvas.width === 0 || canvas.height === 0) return null;
    return { labels: chart.data.labels,
             datasets: chart.data.datasets.map((d) => ({ label: d.label, data: d.data })) };
  });
}

// The ticket with the richest history: the most actions, bonus for a move, a stall, a resolution.
function showcaseTicket() {
  const score = (plan) => {
    const types = new Set(plan.actions.map((a) => a.type));
    const kinds = ['move', 'stall', 'resolve'].filter((x) => types.has(x)).length;
    return plan.actions.length + 3 * kinds;
  };
  let best = 0;
  seeded.plans.forEach((plan, i) => { if (score(plan) > score(seeded.plans[best])) best = i; });
  return seeded.ids[best];
}

// The state table of the ticket view against an API state.
function assertState(table, state, what) {
  const rows = byRow(table);
  const value = (field) => rows[field].Value;
  assert.equal(value('Status'), state.status, `${what}: status`);
  assert.equal(value('Service'), state.service, `${what}: service`);
  assert.equal(value('Category'), state.category, `${what}: category`);
  assert.equal(value('Queue'), state.queue, `${what}: queue`);
  assert.equal(value('Owner'), state.owner ?? 'Unowned', `${what}: owner`);
  assert.equal(value('Requester'), state.requester, `${what}: requester`);
  assert.equal(value('Keywords'), state.description, `${what}: description`);
  assert.equal(value('Solution'), state.solution ?? '–', `${what}: solution`);
  assert.equal(value('Reopened'), String(state.reopened), `${what}: reopened`);
  assert.equal(value('Version'), String(state.version), `${what}: version`);
  expect.time(value('Created'), state.created_at, `${what}: created`);
  expect.time(value('Last event'), state.updated_at, `${what}: last event`);
  expect.time(value('First response'), state.first_response_at, `${what}: first response`);
  expect.time(value('Resolved'), state.resolved_at, `${what}: resolved`);
  if (state.stalled) {
    assert.ok(value('Stalled').startsWith(`awaiting ${state.stalled.awaiting}, follow up at `),
              `${what}: stalled`);
  } else {
    assert.equal(value('Stalled'), 'No', `${what}: stalled`);
  }
  assert.equal(value('Feedback'), state.feedback
    ? `${state.feedback.score} of 5${state.feedback.comment ? `: ${state.feedback.comment}` : ''}`
    : '–', `${what}: feedback`);
}

test('page: served from the binary without a token, with its content types and policy',
     async () => {
  const page = await fetch(`${server.url}/`);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(page.headers.get('content-security-policy'), /default-src 'none'/);
  assert.match(page.headers.get('etag'), /^"[0-9a-f]{20}"$/);
  assert.match(await page.text(), /<script type="module" src="\/assets\/js\/main.js">/);
  const chart = await fetch(`${server.url}/assets/vendor/chart.min.js`);
  assert.equal(chart.status, 200);
  assert.equal(chart.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.match(await chart.text(), /Chart\.js v3\.9\.1/);
  const css = await fetch(`${server.url}/assets/style.css`);
  assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
  assert.equal((await fetch(`${server.url}/assets/no-such-file.js`)).status, 404);
  assert.equal((await fetch(`${server.url}/api/v1/tickets/1`)).status, 401,
               'the API still needs a token');
});

test('token: a wrong token gets a clear message, and the right one is kept only in this tab',
     async () => {
  const { context, page, problems } = await openPage(browser, server.url);
  const urls = [];
  page.on('request', (r) => urls.push(r.url()));
  await page.goto(`${server.url}/#/ticket`);
  await waitForView(page, 'Sign in');
  await page.getByLabel('API token').fill('not-a-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(),
               /The server did not accept this token \(401: the token is not valid\)/);
  assert.equal(await page.getByLabel('API token').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'a refused token is not kept');
  await screenshot(page, 'sign-in-wrong-token');

  await page.getByLabel('API token').fill(server.tokens.reader);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitForView(page, 'Ticket');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('ticketledger.token')),
               server.tokens.reader);
  await page.reload();
  await waitForView(page, 'Ticket');  // the same tab does not ask again
  for (const url of urls) assert.ok(!url.includes(server.tokens.reader), `token in ${url}`);
  assert.ok(!(await page.evaluate(() => location.href)).includes(server.tokens.reader));

  const other = await context.newPage();  // another tab has its own sessionStorage
  await other.goto(`${server.url}/`);
  await waitForView(other, 'Sign in');
  await other.close();

  await page.getByRole('button', { name: 'Change token' }).click();
  await waitForView(page, 'Sign in');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'Change token forgets it');
  assertClean(problems, [kAllowed401]);
  assert.equal(problems.console.length, 1, 'one 401, from the wrong token');
  await context.close();
});

test('ticket: the timeline equals the audit history and the as-of control shows past states',
     async () => {
  const id = showcaseTicket();
  const { events } = await auditor.get(`/api/v1/tickets/${id}/history`);
  const total = events.length;
  assert.ok(total >= 6, `ticket ${id} has a history worth showing (${total} events)`);
  const { context, page, problems } = await signedIn(server.tokens.auditor, `#/ticket/${id}`);
  await waitForView(page, `Ticket #${id}`);

  const items = page.locator('ol.timeline > li');
  assert.equal(await items.count(), total, 'one timeline item per event');
  const shown = await items.evaluateAll((lis) => lis.map((li) => ({
    seq: li.querySelector('.event-seq').textContent,
    hash: li.querySelector('.event-hash').textContent,
    prev: li.querySelector('.event-prev-hash').textContent,
    actor: li.querySelector('.event-actor').textContent,
    occurred: li.querySelector('.event-occurred time').dateTime,
    recorded: li.querySelector('.event-recorded time').dateTime,
    heading: li.querySelector('h3').textContent,
  })));
  events.forEach((e, i) => {
    const s = shown[i];
    assert.equal(s.seq, String(e.seq), `event ${i + 1}: seq`);
    assert.equal(s.hash, e.hash, `event ${i + 1}: hash`);
    assert.equal(s.prev, e.prev_hash, `event ${i + 1}: previous hash`);
    assert.ok(s.actor.startsWith(e.actor), `event ${i + 1}: actor ${e.actor} in "${s.actor}"`);
    if (e.recorded_by !== e.actor) assert.ok(s.actor.includes(`recorded by ${e.recorded_by}`));
    assert.equal(s.occurred, e.occurred_at, `event ${i + 1}: occurred_at`);
    assert.equal(s.recorded, e.recorded_at, `event ${i + 1}: recorded_at`);
    assert.ok(s.heading.startsWith(`${i + 1} of ${total} · `), `event ${i + 1}: heading`);
  });
  const current = await auditor.get(`/api/v1/tickets/${id}`);
  assertState(await readTable(page, new RegExp(`as of event ${total} of ${total}`)), current,
              'now');

  const stateAt = async (i) => {
    const caption = new RegExp(`as of event ${i + 1} of ${total} \\(seq ${events[i].seq}\\)`);
    const expected = await reader.get(`/api/v1/tickets/${id}`, { as_of: events[i].seq });
    assertState(await readTable(page, caption), expected, `as of event ${i + 1}`);
    return expected;
  };
  // The slider, by keyboard.
  const slider = page.getByLabel('Show the ticket as of event');
  await slider.focus();
  await page.keyboard.press('Home');
  const first = await stateAt(0);
  assert.equal(first.status, 'new', 'the first event leaves the ticket new');
  const middle = Math.floor(total / 2);
  for (let i = 0; i < middle; i += 1) await page.keyboard.press('ArrowRight');
  await stateAt(middle);
  assert.equal(await slider.evaluate((el) => el === document.activeElement), true,
               'the slider keeps the focus');
  assert.match(await page.evaluate(() => location.hash),
               new RegExp(`^#/ticket/${id}\\?as_of=${events[middle].seq}$`));
  assert.equal(await items.nth(middle).getAttribute('class'), 'event current');
  assert.equal(await items.nth(middle + 1).getAttribute('class'), 'event later');
  await screenshot(page, 'ticket');

  // The URL keeps the as-of point.
  await page.reload();
  await waitForView(page, `Ticket #${id}`);
  await stateAt(middle);

  // A timeline item's button.
  const resolvedAt = events.findIndex((e) => e.type === 'resolved');
  const pick = resolvedAt > 0 ? resolvedAt - 1 : 1;
  await items.nth(pick).getByRole('button', { name: 'Show the ticket as of this event' }).click();
  await stateAt(pick);
  await page.getByRole('button', { name: 'Latest' }).click();
  assertState(await readTable(page, new RegExp(`as of event ${total} of ${total}`)), current,
              'latest');

  // As of a time: between two events by occurred_at, and by recorded_at.
  const k = Math.max(1, middle - 1);
  const between = new Date((Date.parse(events[k].occurred_at) +
                            Date.parse(events[k + 1].occurred_at)) / 2).toISOString();
  await page.getByLabel('Time (RFC 3339)').fill(between);
  await page.getByLabel('Show the ticket', { exact: true }).selectOption('occurred');
  await page.getByRole('button', { name: 'Show', exact: true }).nth(1).click();
  const atCaption = new RegExp(`as it stood at ${between.replace(/[.]/g, '\\.')}`);
  assertState(await readTable(page, atCaption),
              await reader.get(`/api/v1/tickets/${id}`, { as_of: between }), 'as of a time');
  const knownAt = events[k].recorded_at;
  await page.getByLabel('Time (RFC 3339)').fill(knownAt);
  await page.getByLabel('Show the ticket', { exact: true }).selectOption('recorded');
  await page.getByRole('button', { name: 'Show', exact: true }).nth(1).click();
  assertState(await readTable(page, /as the ledger knew it at/),
              await reader.get(`/api/v1/tickets/${id}`, { known_at: knownAt }), 'known at');
  assertClean(problems);
  await context.close();
});

test('ticket: an erased ticket reads \u201cerased\u201d in its state, its timeline and the list',
     async () => {
  // A resolved ticket other than the showcase, which the other tests walk.
  const showcase = showcaseTicket();
  const plan = seeded.plans.findLastIndex((p, i) => seeded.ids[i] !== showcase &&
                                          p.actions.some((a) => a.type === 'resolve'));
  assert.ok(plan >= 0, 'the seed has a resolved ticket to erase');
  const id = seeded.ids[plan];
  const before = await reader.get(`/api/v1/tickets/${id}`);
  assert.ok(before.requester && before.subject, 'the ticket has a requester and a subject');
  const admin = new Client(server.url, server.tokens.admin);
  await admin.write('POST', '/api/v1/privacy/erasures', { ticket: id, reason: 'page test' });
  const state = await auditor.get(`/api/v1/tickets/${id}`);
  assert.equal(state.erased, true);
  assert.equal(state.requester, null);

  const { context, page, problems } = await signedIn(server.tokens.auditor, `#/ticket/${id}`);
  await waitForView(page, `Ticket #${id}`);
  const rows = byRow(await readTable(page, /as of event \d+ of \d+/));
  assert.equal(rows.Requester.Value, 'erased', 'requester');
  assert.equal(rows.Subject.Value, 'erased', 'subject');
  assert.equal(rows.Solution.Value, state.resolved_at ? 'erased' : '\u2013', 'solution');
  assert.equal(rows.Keywords.Value, state.description, 'the keywords are not personal');
  const opened = await page.locator('ol.timeline > li').first().locator('.event-what')
    .textContent();
  assert.ok(opened.includes('from erased by ') && opened.includes('subject erased'),
            `the opened event reads erased: "${opened}"`);
  const texts = await page.locator('ol.timeline > li .event-what').allTextContents();
  assert.ok(!texts.some((t) => t.includes(before.requester) || t.includes(before.subject)),
            'no personal text of the ticket is on the page');
  const { events } = await auditor.get(`/api/v1/tickets/${id}/history`);
  const resolved = events.findIndex((e) => e.type === 'resolved');
  if (resolved >= 0) assert.equal(texts[resolved], 'Solution: erased', 'the resolution');

  await page.goto(`${server.url}/#/tickets?status=any&limit=1000`);
  await waitForView(page, 'Tickets');
  const table = await readTable(page, /^Tickets: /);
  const row = table.rows.find((r) => r[0] === `#${id}`);
  assert.ok(row, `#${id} is listed`);
  assert.deepEqual(row.slice(6, 8), ['erased', 'erased'], 'requester and subject in the list');
  assertClean(problems);
  await context.close();
});

test('ticket: with a reader token the current state shows, and a note explains the history',
     async () => {
  const id = seeded.ids[3];
  const { context, page, problems } = await signedIn(server.tokens.reader, `#/ticket/${id}`);
  await waitForView(page, `Ticket #${id}`);
  const note = page.getByRole('note');
  await note.waitFor();
  assert.match(await note.textContent(), /The audit history needs an auditor token/);
  assertState(await readTable(page, new RegExp(`Ticket #${id} now`)),
              await reader.get(`/api/v1/tickets/${id}`), 'reader');
  await page.goto(`${server.url}/#/ticket/999999`);
  await page.getByRole('alert').filter({ hasText: 'There is no ticket #999999.' }).waitFor();
  assertClean(problems, [kAllowed403, /status of 404/]);
  await context.close();
});

test('keyboard: sign in, reach a view from the menu and move through a ticket\u2019s history',
     async () => {
  const id = showcaseTicket();
  const { context, page, problems } = await openPage(browser, server.url);
  await page.goto(`${server.url}/#/ticket/${seeded.ids[0]}`);
  await waitForView(page, 'Sign in');
  // The prompt has the focus; type and press Enter.
  await page.keyboard.type(server.tokens.auditor);
  await page.keyboard.press('Enter');
  await waitForView(page, `Ticket #${seeded.ids[0]}`);
  // From the top of a freshly loaded page: the skip link comes first.
  await page.reload();
  await waitForView(page, `Ticket #${seeded.ids[0]}`);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  let found = false;
  for (let i = 0; i < 12 && !found; i += 1) {
    await page.keyboard.press('Tab');
    found = await page.evaluate(() => document.activeElement.textContent === 'Ticket');
  }
  assert.ok(found, 'the menu is reachable with Tab');
  await page.keyboard.press('Enter');
  await waitForView(page, 'Ticket');
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1',
               'the new view\u2019s heading takes the focus');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'ticket-id');
  await page.keyboard.type(String(id));
  await page.keyboard.press('Enter');
  await waitForView(page, `Ticket #${id}`);
  const total = await page.locator('ol.timeline > li').count();
  await page.getByLabel('Show the ticket as of event').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await readTable(page, new RegExp(`as of event 2 of ${total}`));
  assertClean(problems);
  await context.close();
});

test('page: the sign-in and ticket views fit a 400 px wide screen', async () => {
  const id = showcaseTicket();
  const narrow = { width: 400, height: 800 };
  const { context, page, problems } = await openPage(browser, server.url, narrow);
  await page.goto(`${server.url}/#/ticket/${id}`);
  await waitForView(page, 'Sign in');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth));
  await signIn(page, server.tokens.auditor);
  await waitForView(page, `Ticket #${id}`);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth),
            'no sideways scrolling of the page');
  await screenshot(page, 'ticket-narrow');
  assertClean(problems);
  await context.close();
});

test('reports: service centre — the table and chart equal the dashboard API, with the queue ' +
     'filter', async () => {
  const { context, page, problems } = await signedIn(server.tokens.reader, '#/service-centre');
  for (const queue of ['', 'Orakel', 'campus']) {
    if (queue) {
      await page.getByLabel('Queue', { exact: true }).selectOption(queue);
    }
    await waitForView(page, 'Service centre');
    const sent = lastSent(problems, '/api/v1/dashboard');
    assert.equal(sent.queue ?? '', queue, 'the page asked for this queue');
    const api = await reader.get('/api/v1/dashboard', { days: 100, queue, now: sent.now });
    const table = await readTable(page, /Open support tickets created in the last 100 days/);
    const weeks = table.head.slice(1, -1);
    assert.equal(table.rows.length, api.rows.length, `${queue}: one row per service`);
    const rows = byRow(table);
    for (const row of api.rows) {
      for (const [week, n] of Object.entries(row.by_week)) {
        assert.ok(weeks.includes(week), `${queue}: week ${week} has a column`);
        expect.count(rows[row.service][week], n, `${queue}: ${row.service} ${week}`);
      }
      for (const week of weeks) {
        expect.count(rows[row.service][week], row.by_week[week] || 0, `${row.service} ${week}`);
      }
      expect.count(rows[row.service].Total, row.total, `${queue}: ${row.service} total`);
    }
    expect.count(table.foot[table.foot.length - 1], api.total, `${queue}: total`);
    assert.match(await page.locator('main .lede').textContent(), new RegExp(`^${api.total} open`));
    const chart = await chartDrawn(page, /Open support tickets by week of creation/);
    assert.ok(chart, 'the chart is drawn');
    assert.deepEqual(chart.labels, weeks, 'the chart has the table\u2019s weeks');
    for (const row of api.rows) {
      const set = chart.datasets.find((d) => d.label === row.service);
      assert.deepEqual(set.data, weeks.map((w) => row.by_week[w] || 0), `chart: ${row.service}`);
    }
    if (!queue) {
      assert.ok(api.total > 0, 'the seeded history has open tickets in the last 100 days');
      await screenshot(page, 'service-centre');
    }
  }
  const nowMs = Date.parse(lastSent(problems, '/api/v1/dashboard').now);
  const misroutes = await reader.get('/api/v1/reports/misroutes',
                                     { from: new Date(nowMs - 100 * 86400000).toISOString() });
  const returned = await readTable(page, /moved back to the service centre/);
  assert.equal(returned.rows.length, misroutes.groups.length);
  for (const g of misroutes.groups) {
    assert.ok(returned.rows.some((r) => r[0] === g.service && r[1] === g.from_queue &&
                                        r[2] === String(g.count)), `${g.service} ${g.from_queue}`);
  }
  assertClean(problems);
  await context.close();
});

test('reports: team — owners, overdue follow-ups and the oldest open ticket equal the API',
     async () => {
  const { context, page, problems } = await signedIn(server.tokens.reader, '#/team');
  for (const queue of ['campus', 'Orakel']) {
    await page.getByLabel('Queue', { exact: true }).selectOption(queue);
    await waitForView(page, `Team: ${queue}`);
    const now = lastSent(problems, '/api/v1/reports/workload').now;
    const workload = await reader.get('/api/v1/reports/workload', { queue, now });
    const groups = workload.groups.filter((g) => g.queue === queue);
    const owners = byRow(await readTable(page, new RegExp(`Open tickets in ${queue} by owner`)));
    assert.equal(Object.keys(owners).length, groups.length, `${queue}: one row per owner`);
    for (const g of groups) {
      const row = owners[g.owner ?? 'Unowned'];
      assert.ok(row, `${queue}: a row for ${g.owner ?? 'Unowned'}`);
      expect.count(row.Open, g.open, `${queue} ${g.owner}: open`);
      expect.time(row['Oldest created'], g.oldest_created_at, `${queue} ${g.owner}: oldest`);
      expect.duration(row['Oldest age'], g.oldest_age_s, `${queue} ${g.owner}: age`);
    }
    const open = groups.reduce((s, g) => s + g.open, 0);
    expect.count(await page.locator('#open-count').textContent(), open, `${queue}: open`);
    const oldest = Math.max(...groups.map((g) => g.oldest_age_s));
    const oldestText = (await page.locator('#oldest-age').textContent()).split(' (')[0];
    expect.duration(oldestText, oldest, `${queue}: oldest open ticket`);

    const followups = await reader.get('/api/v1/followups', { now });
    const due = followups.tickets.filter((f) => f.queue === queue);
    const stalled = await readTable(page, new RegExp(`Stalled tickets in ${queue}`));
    assert.deepEqual(stalled.rows.map((r) => r[0]).sort(), due.map((f) => `#${f.id}`).sort(),
                     `${queue}: overdue follow-ups`);
    for (const f of due) {
      const row = stalled.rows.find((r) => r[0] === `#${f.id}`);
      assert.equal(row[2], f.awaiting);
      expect.time(row[3], f.follow_up_at, `#${f.id}: follow up at`);
      expect.duration(row[4], (Date.parse(followups.now) - Date.parse(f.follow_up_at)) / 1000,
                      `#${f.id}: overdue by`);
    }
    const list = await reader.get('/api/v1/tickets',
                                  { status: 'new,open,stalled', queue, limit: 1000 });
    const listed = await readTable(page, new RegExp(`Open tickets in ${queue}, by owner`));
    assert.deepEqual(listed.rows.map((r) => r[0]).sort(),
                     list.tickets.map((x) => `#${x.id}`).sort(), `${queue}: the open tickets`);
    if (queue === 'campus') await screenshot(page, 'team');
  }
  assert.ok(await chartDrawn(page, /Open tickets by owner/));
  assertClean(problems);
  await context.close();
});

function assertResponseRow(row, g, what) {
  expect.count(row.Tickets, g.tickets, `${what}: tickets`);
  expect.count(row.Answered, g.first_response.count, `${what}: answered`);
  expect.count(row['Awaiting a first reply'], g.first_response.pending, `${what}: pending`);
  expect.duration(row['First response p50'], g.first_response.p50_s, `${what}: first p50`);
  expect.duration(row['First response p90'], g.first_response.p90_s, `${what}: first p90`);
  expect.count(row.Resolved, g.resolution.count, `${what}: resolved`);
  expect.duration(row['Resolution p50'], g.resolution.p50_s, `${what}: resolution p50`);
  expect.duration(row['Resolution p90'], g.resolution.p90_s, `${what}: resolution p90`);
}

test('reports: response times — per month, per service and within bounds equal the API',
     async () => {
  const { context, page, problems } = await signedIn(server.tokens.reader, '#/response-times');
  for (const service of ['', 'Eduroam']) {
    if (service) await page.getByLabel('Service', { exact: true }).selectOption(service);
    await waitForView(page, 'Response times');
    const api = await reader.get('/api/v1/reports/response-times',
                                 { group_by: 'month', service });
    const months = byRow(await readTable(page, /by month of creation/));
    assert.equal(Object.keys(months).length, api.groups.length, `${service}: months`);
    for (const g of api.groups) assertResponseRow(months[g.key], g, `${service} ${g.key}`);
    assert.ok(await chartDrawn(page, /First response and resolution p50 and p90 by month/));
    if (!service) await screenshot(page, 'response-times');
  }
  const byService = await reader.get('/api/v1/reports/response-times', { group_by: 'service' });
  const services = byRow(await readTable(page, /Response times of support tickets by service/));
  assert.equal(Object.keys(services).length, byService.groups.length);
  for (const g of byService.groups) assertResponseRow(services[g.key], g, g.key);
  const compliance = await reader.get('/api/v1/reports/compliance', { group_by: 'service' });
  const bounds = byRow(await readTable(page, /kept the process.s rules/));
  assert.equal(Object.keys(bounds).length, compliance.groups.length);
  for (const g of compliance.groups) {
    const row = bounds[g.key];
    expect.shareOf(row['Resolutions with a solution'], g.resolved_with_solution, g.resolved,
                   `${g.key}: solutions`);
    expect.shareOf(row['Stalls with a follow-up date'], g.stalls_with_follow_up, g.stalls,
                   `${g.key}: stalls`);
    expect.shareOf(row['Owners in the ticket\u2019s queue'], g.assignments_in_queue,
                   g.assignments, `${g.key}: owners`);
    expect.shareOf(row['Feedback invitations within 2 h'], g.invited_within_2h, g.invited,
                   `${g.key}: invitations`);
  }
  assertClean(problems);
  await context.close();
});

test('reports: volume — counts per service and period and the top keywords equal the API',
     async () => {
  const { context, page, problems } = await signedIn(server.tokens.reader, '#/volume');
  for (const interval of ['month', 'week']) {
    if (interval === 'week') {
      await page.getByLabel('Interval', { exact: true }).selectOption('week');
    }
    await waitForView(page, 'Volume');
    const api = await reader.get('/api/v1/reports/volume', { group_by: 'service', interval });
    const table = await readTable(page, /Support tickets created per/);
    const rows = byRow(table);
    const periods = table.head.slice(1, -1);
    assert.equal(table.rows.length, api.groups.length, `${interval}: one row per service`);
    let total = 0;
    for (const g of api.groups) {
      for (const [key, n] of Object.entries(g.by_interval)) {
        expect.count(rows[g.key][key], n, `${interval} ${g.key} ${key}`);
      }
      for (const key of periods) expect.count(rows[g.key][key], g.by_interval[key] || 0, key);
      expect.count(rows[g.key].Total, g.total, `${interval} ${g.key}: total`);
      total += g.total;
    }
    expect.count(table.foot[table.foot.length - 1], total, `${interval}: total`);
    const chart = await chartDrawn(page, /Support tickets created per/);
    assert.ok(chart, 'the chart is drawn');
    assert.deepEqual(chart.labels, periods, 'the chart has the table\u2019s periods');
    for (const g of api.groups) {
      assert.deepEqual(chart.datasets.find((d) => d.label === g.key).data,
                       periods.map((k) => g.by_interval[k] || 0), `chart: ${g.key}`);
    }
    if (interval === 'month') {
      const keywords = page.getByRole('table', { name: /most frequent description keywords/ });
      for (const g of api.groups) {
        const shown = await keywords.getByRole('row', { name: new RegExp(`^${g.key} `) })
          .locator('ol.keywords > li').allTextContents();
        assert.deepEqual(shown, g.top_keywords.map((k) => `${k.keyword} (${k.count})`),
                         `${g.key}: keywords`);
      }
      await screenshot(page, 'volume');
    }
  }
  assertClean(problems);
  await context.close();
});

test('reports: satisfaction — scores, invitations and pending invitations equal the API',
     async () => {
  const { context, page, problems } = await signedIn(server.tokens.reader, '#/satisfaction');
  await waitForView(page, 'Satisfaction');
  const api = await reader.get('/api/v1/reports/satisfaction', { group_by: 'service' });
  const rows = byRow(await readTable(page, /Feedback and invitations by service/));
  assert.equal(Object.keys(rows).length, api.groups.length);
  for (const g of api.groups) {
    const row = rows[g.key];
    expect.count(row['Feedback received'], g.feedback, `${g.key}: feedback`);
    assert.equal(row['Mean score'], g.mean_score === null ? '–' : g.mean_score.toFixed(2),
                 `${g.key}: mean score`);
    expect.count(row.Invitations, g.invited, `${g.key}: invited`);
    expect.count(row['Within 2 h'], g.invited_within_2h, `${g.key}: within 2 h`);
    expect.share(row['Share within 2 h'], g.invited_within_2h_share, `${g.key}: share`);
  }
  assert.ok(await chartDrawn(page, /Mean feedback score by service/));
  const pending = await reader.get('/api/v1/feedback/pending',
                                   { now: lastSent(problems, '/api/v1/feedback/pending').now });
  const table = await readTable(page, /waiting for a feedback invitation/);
  assert.equal(table.rows.length, pending.tickets.length, 'one row per pending invitation');
  assert.ok(pending.tickets.some((p) => p.overdue), 'the history has overdue invitations');
  table.rows.forEach((row, i) => {
    const p = pending.tickets.find((x) => `#${x.id}` === row[0]);
    assert.ok(p, `${row[0]} is pending in the API`);
    expect.time(row[1], p.resolved_at, `${row[0]}: resolved at`);
    expect.time(row[2], p.due_at, `${row[0]}: due at`);
    assert.equal(row[3].startsWith('Overdue by '), p.overdue, `${row[0]}: overdue`);
    assert.equal(table.classes[i] === 'overdue', p.overdue, `${row[0]}: highlighted`);
  });
  const overdueFirst = table.rows.map((r) => r[3].startsWith('Overdue'));
  assert.deepEqual(overdueFirst, [...overdueFirst].sort((a, b) => b - a), 'overdue ones first');
  await screenshot(page, 'satisfaction');
  assertClean(problems);
  await context.close();
});

test('reports: every view fits a 400 px wide screen and keeps its filters by keyboard',
     async () => {
  const { context, page, problems } = await signedIn(server.tokens.reader, '#/service-centre',
                                                     { width: 400, height: 800 });
  for (const [hash, heading] of [['service-centre', 'Service centre'], ['team', /^Team/],
                                 ['tickets', 'Tickets'], ['response-times', 'Response times'],
                                 ['volume', 'Volume'], ['satisfaction', 'Satisfaction']]) {
    await page.goto(`${server.url}/#/${hash}`);
    await waitForView(page, heading);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth),
              `${hash}: no sideways scrolling of the page`);
    if (hash === 'service-centre') await screenshot(page, 'service-centre-narrow');
  }
  // A filter changed with the keyboard keeps the focus on its control.
  await page.goto(`${server.url}/#/service-centre`);
  await waitForView(page, 'Service centre');
  await page.getByLabel('Queue', { exact: true }).focus();
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => location.hash.includes('queue='));
  await waitForView(page, 'Service centre');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'queue');
  assertClean(problems);
  await context.close();
});

// ---- The working day (issue 23, item 6) ----

const kSecond = 1000;

function sentCount(problems, path) {
  return problems.api.filter((u) => u.pathname === path).length;
}

// Waits (a bounded poll of what the page sent, never a fixed sleep) for the page's API request
// to `path` after its first `count` ones; returns its query parameters.
async function nextSent(page, problems, path, count) {
  const deadline = Date.now() + 10 * kSecond;
  for (;;) {
    const sent = problems.api.filter((u) => u.pathname === path);
    if (sent.length > count) return Object.fromEntries(sent[count].searchParams);
    assert.ok(Date.now() < deadline, `a request to ${path} within 10 s`);
    await new Promise((resolve) => { setTimeout(resolve, 50); });
  }
}

// Makes the tab hidden or visible again, as the browser does when it is switched away.
async function setHidden(page, hidden) {
  await page.evaluate((value) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => value });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

test('day: the page sends the browser\u2019s now, shows it, and refreshes every 60 s unless ' +
     'hidden or switched off', async () => {
  const { context, page, problems } = await openPage(browser, server.url);
  await page.clock.install({ time: Date.now() });
  await page.goto(`${server.url}/#/team?queue=campus`);
  await signIn(page, server.tokens.reader);
  await waitForView(page, 'Team: campus');
  const browserNow = await page.evaluate(() => Date.now());
  const first = lastSent(problems, '/api/v1/reports/workload');
  assert.match(first.now, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.ok(Math.abs(Date.parse(first.now) - browserNow) < 10 * kSecond,
            `now ${first.now} is the browser's clock`);
  assert.equal(lastSent(problems, '/api/v1/followups').now, first.now, 'one now per render');
  const clock = page.locator('#as-of-clock');
  assert.equal(await clock.getAttribute('datetime'), first.now);
  assert.equal(await clock.textContent(), `${first.now.slice(11, 16)} UTC`);
  // The ages are the API's for that now.
  const workload = await reader.get('/api/v1/reports/workload',
                                    { queue: 'campus', now: first.now });
  const oldest = Math.max(...workload.groups.filter((g) => g.queue === 'campus')
    .map((g) => g.oldest_age_s));
  expect.duration((await page.locator('#oldest-age').textContent()).split(' (')[0], oldest,
                  'oldest open ticket, as of the browser\u2019s now');

  // 60 s later the view is read again with a later now; the focus stays where it was.
  await page.getByLabel('Queue', { exact: true }).focus();
  let seen = sentCount(problems, '/api/v1/reports/workload');
  await page.clock.fastForward(61 * kSecond);
  const second = await nextSent(page, problems, '/api/v1/reports/workload', seen);
  assert.ok(Date.parse(second.now) - Date.parse(first.now) >= 60 * kSecond,
            `the now grows: ${first.now} then ${second.now}`);
  await page.waitForFunction((now) => document.getElementById('as-of-clock').dateTime === now,
                             second.now);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'queue',
               'a refresh keeps the focus');

  // Hidden: no refresh; shown again after more than 60 s: one at once. A refresh while hidden
  // would have sent the now of +61 s and made the one on showing not due.
  seen = sentCount(problems, '/api/v1/reports/workload');
  await setHidden(page, true);
  await page.clock.fastForward(61 * kSecond);
  await page.clock.fastForward(30 * kSecond);
  await setHidden(page, false);
  const shown = await nextSent(page, problems, '/api/v1/reports/workload', seen);
  assert.ok(Date.parse(shown.now) - Date.parse(second.now) >= 91 * kSecond,
            `no refresh while hidden (${second.now}, then ${shown.now})`);
  await page.waitForFunction((now) => document.getElementById('as-of-clock').dateTime === now,
                             shown.now);

  // Switched off: none; switched on after more than 60 s: one at once.
  seen = sentCount(problems, '/api/v1/reports/workload');
  await page.getByLabel('Refresh every 60 s').uncheck();
  await page.clock.fastForward(61 * kSecond);
  await page.clock.fastForward(30 * kSecond);
  await page.getByLabel('Refresh every 60 s').check();
  const resumed = await nextSent(page, problems, '/api/v1/reports/workload', seen);
  assert.ok(Date.parse(resumed.now) - Date.parse(shown.now) >= 91 * kSecond,
            `no refresh while switched off (${shown.now}, then ${resumed.now})`);
  await page.waitForFunction((now) => document.getElementById('as-of-clock').dateTime === now,
                             resumed.now);
  assertClean(problems);
  await context.close();
});

// The seeded history has one overdue follow-up; the paging and CSV tests stall a few more
// tickets (two in campus) with follow-up dates an hour ago, once. The awaited text needs CSV
// quoting and UTF-8.
const kAwaitingText = 'the requester\u2019s "crash log", and the æøå of it';
let stalling = null;
function overdueFollowUps() {
  stalling ??= (async () => {
    const importer = new Client(server.url, server.tokens.importer);
    const hourAgo = Date.now() - 3600 * kSecond;
    const open = (await reader.get('/api/v1/tickets', { status: 'new,open', limit: 1000 }))
      .tickets.filter((t) => Date.parse(t.updated_at) < hourAgo - 3600 * kSecond);
    const picked = [...open.filter((t) => t.queue === 'campus').slice(0, 2),
                    ...open.filter((t) => t.queue !== 'campus').slice(0, 2)];
    assert.equal(picked.length, 4, 'four open tickets to stall');
    for (const t of picked) {
      const at = (ms) => new Date(ms).toISOString();
      const actor = (await reader.get('/api/v1/queues')).queues
        .find((q) => q.name === t.queue).members[0];
      if (t.status === 'new') {
        await importer.write('POST', `/api/v1/tickets/${t.id}/actions`,
                             { type: 'reply', body: 'Looking.', occurred_at: at(hourAgo), actor });
      }
      await importer.write('POST', `/api/v1/tickets/${t.id}/actions`, {
        type: 'stall', awaiting: kAwaitingText, follow_up_at: at(hourAgo + 600 * kSecond),
        occurred_at: at(hourAgo + kSecond), actor });
    }
  })();
  return stalling;
}

// The ticket ids of a table's rows ("#12" -> 12).
function idsOf(table) {
  return table.rows.map((r) => Number(r[0].slice(1)));
}

// Every ticket the API lists for `params`, all pages.
async function allTickets(params) {
  const out = [];
  let after;
  for (;;) {
    const page = await reader.get('/api/v1/tickets', { ...params, limit: 1000, after });
    out.push(...page.tickets);
    if (page.next === null) return out;
    after = page.next;
  }
}

// The ISO week of an RFC 3339 instant, as the API keys it.
function weekOf(rfc3339) {
  const d = new Date(rfc3339);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  const thursday = new Date(day + (3 - weekday) * 86400000);
  const year = thursday.getUTCFullYear();
  const jan4 = Date.UTC(year, 0, 4);
  const week1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86400000;
  const week = Math.floor((thursday.getTime() - week1) / (7 * 86400000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

test('day: the ticket list \u2014 filters, paging, search by text and by number equal the API',
     async () => {
  const { context, page, problems } = await signedIn(
    server.tokens.reader, '#/tickets?status=resolved&queue=campus&limit=20');
  await waitForView(page, 'Tickets');
  const caption = /^Tickets: /;
  const params = { status: 'resolved', queue: 'campus' };
  const firstPage = await reader.get('/api/v1/tickets', { ...params, limit: 20 });
  assert.ok(firstPage.next !== null, 'campus has more than 20 resolved tickets');
  let table = await readTable(page, caption);
  assert.deepEqual(idsOf(table), firstPage.tickets.map((t) => t.id), 'the first page');
  assert.deepEqual(table.head, ['Ticket', 'Status', 'Queue', 'Owner', 'Service', 'Category',
                                'Requester', 'Subject', 'Created', 'Last event']);
  const byId = new Map(firstPage.tickets.map((t) => [t.id, t]));
  for (const row of table.rows) {
    const t = byId.get(Number(row[0].slice(1)));
    assert.deepEqual(row.slice(1, 8), [t.status, t.queue, t.owner ?? 'Unowned', t.service,
                                       t.category, t.requester, t.subject], `#${t.id}`);
    expect.time(row[8], t.created_at, `#${t.id}: created`);
    expect.time(row[9], t.updated_at, `#${t.id}: last event`);
  }
  // "Load more": the next page is appended and the button keeps the focus.
  await page.getByRole('button', { name: 'Load more tickets' }).click();
  const secondPage = await reader.get('/api/v1/tickets', { ...params, limit: 20,
                                                           after: firstPage.next });
  const two = 20 + secondPage.tickets.length;
  await page.getByText(`${two} of ${two} loaded tickets shown.`).waitFor();
  table = await readTable(page, caption);
  assert.deepEqual(idsOf(table), [...firstPage.tickets, ...secondPage.tickets].map((t) => t.id),
                   'two pages');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'more-tickets');
  assert.equal(lastSent(problems, '/api/v1/tickets').after, String(firstPage.next));

  // The filters are the API's (and the page size stays).
  await page.getByLabel('Category', { exact: true }).selectOption('support');
  await page.waitForFunction(() => location.hash.includes('category=support'));
  await waitForView(page, 'Tickets');
  await page.getByLabel('Owner', { exact: true }).selectOption('carl');
  await page.waitForFunction(() => location.hash.includes('owner=carl'));
  await waitForView(page, 'Tickets');
  const filtered = await reader.get('/api/v1/tickets', { ...params, category: 'support',
                                                         owner: 'carl', limit: 20 });
  assert.ok(filtered.tickets.length > 0, 'carl has resolved support tickets');
  table = await readTable(page, caption);
  assert.deepEqual(idsOf(table), filtered.tickets.map((t) => t.id), 'queue, category, owner');
  const sent = lastSent(problems, '/api/v1/tickets');
  assert.deepEqual([sent.status, sent.queue, sent.category, sent.owner, sent.limit],
                   ['resolved', 'campus', 'support', 'carl', '20']);

  // Text: the loaded tickets whose requester or subject holds it, as it is typed.
  await page.goto(`${server.url}/#/tickets?status=any&queue=campus&category=support`);
  await waitForView(page, 'Tickets');
  const everyCampus = await allTickets({ queue: 'campus', category: 'support' });
  const more = page.getByRole('button', { name: 'Load more tickets' });
  while (await more.count()) {
    const before = sentCount(problems, '/api/v1/tickets');
    await more.click();
    await nextSent(page, problems, '/api/v1/tickets', before);
    await page.waitForFunction(() => !document.querySelector('.more-button[disabled]'));
  }
  await page.getByText(`${everyCampus.length} of ${everyCampus.length} loaded tickets shown.`)
    .waitFor();
  const needle = 'ntnu';
  const wanted = everyCampus.filter((t) => t.requester.includes(needle) ||
                                           t.subject.toLowerCase().includes(needle));
  assert.ok(wanted.length > 0 && wanted.length < everyCampus.length);
  await page.getByLabel('Search', { exact: true }).fill(needle.toUpperCase());
  await page.getByText(`${wanted.length} of ${everyCampus.length} loaded tickets shown.`)
    .waitFor();
  table = await readTable(page, caption);
  assert.deepEqual(idsOf(table), wanted.map((t) => t.id), 'requester or subject, any case');
  assert.match(await page.evaluate(() => location.hash), /q=NTNU/);
  const word = everyCampus[0].subject.slice(0, 6).toLowerCase();
  await page.getByLabel('Search', { exact: true }).fill(word);
  table = await readTable(page, new RegExp(`containing .${word}`));
  assert.deepEqual(idsOf(table), everyCampus.filter((t) => t.subject.toLowerCase().includes(word) ||
                                                           t.requester.includes(word))
    .map((t) => t.id), 'found by subject');

  // A number opens that ticket; one that does not exist says so.
  await page.getByLabel('Search', { exact: true }).fill('#999999');
  await page.getByLabel('Search', { exact: true }).press('Enter');
  await page.getByRole('alert').filter({ hasText: 'There is no ticket #999999.' }).waitFor();
  const id = seeded.ids[7];
  await page.getByLabel('Search', { exact: true }).fill(String(id));
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await waitForView(page, `Ticket #${id}`);
  assert.ok(problems.api.some((u) => u.pathname === `/api/v1/tickets/${id}`));
  assertClean(problems, [/status of 404/, kAllowed403]);
  await context.close();
});

test('day: dashboard cells drill down to exactly the tickets they count', async () => {
  const { context, page, problems } = await signedIn(server.tokens.reader, '#/service-centre');
  await waitForView(page, 'Service centre');
  const table = await readTable(page, /Open support tickets created in the last 100 days/);
  const now = lastSent(problems, '/api/v1/dashboard').now;
  const after = Date.parse(now) - 100 * 86400 * kSecond;
  const open = await allTickets({ status: 'new,open,stalled', category: 'support' });
  const inWindow = (t) => Date.parse(t.created_at) > after &&
                          Date.parse(t.created_at) <= Date.parse(now);
  // The busiest service-week cell, the first service's total and the overall total.
  let best = null;
  for (const row of table.rows) {
    row.slice(1, -1).forEach((text, i) => {
      if (!best || Number(text) > Number(best.n)) {
        best = { service: row[0], week: table.head[i + 1], n: text };
      }
    });
  }
  assert.ok(Number(best.n) > 0);
  const firstRow = table.rows[0];
  const cases = [
    { name: `${best.n} open support tickets of ${best.service} created in ${best.week} `,
      want: (t) => t.service === best.service && weekOf(t.created_at) === best.week },
    { name: `${firstRow[firstRow.length - 1]} open support tickets of ${firstRow[0]} (`,
      want: (t) => t.service === firstRow[0] },
    { name: `${table.foot[table.foot.length - 1]} open support tickets (all queues)`,
      want: () => true },
  ];
  for (const c of cases) {
    await page.goto(`${server.url}/#/service-centre`);
    await waitForView(page, 'Service centre');
    const startsWith = new RegExp(`^${c.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
    await page.getByRole('link', { name: startsWith }).click();
    await waitForView(page, 'Tickets');
    const listed = await readTable(page, /^Tickets: /);
    const expected = open.filter((t) => inWindow(t) && c.want(t)).map((t) => t.id);
    assert.equal(listed.rows.length, Number(c.name.split(' ')[0]), `${c.name}: the count`);
    assert.deepEqual(idsOf(listed), expected, `${c.name}: the tickets`);
    assert.match(await page.locator('#local-filter').textContent(), /no filter by creation time/);
    if (c === cases[0]) await screenshot(page, 'tickets');
  }
  assertClean(problems);
  await context.close();
});

test('day: a CSV download holds exactly its table, RFC 4180 quoted', async () => {
  const { context, page, problems } = await signedIn(server.tokens.reader, '#/service-centre');
  await waitForView(page, 'Service centre');
  const check = async (caption) => {
    const table = await readTable(page, caption);
    const { name, text } = await downloadCsv(page, caption.source);
    assert.match(name, /^[a-z0-9-]+\.csv$/);
    assert.deepEqual(parseCsv(text), [table.head, ...table.rows,
                                      ...(table.foot ? [table.foot] : [])],
                     `${caption}: the CSV equals the table`);
    return text;
  };
  await check(/Open support tickets created in the last 100 days/);
  await page.goto(`${server.url}/#/volume?category=all`);
  await waitForView(page, 'Volume');
  const keywords = await readTable(page, /most frequent description keywords/);
  const { text } = await downloadCsv(page, 'The ten most frequent');
  const records = parseCsv(text);
  assert.deepEqual(records[0], keywords.head);
  assert.deepEqual(records.slice(1).map((r) => r[0]), keywords.rows.map((r) => r[0]));
  const api = await reader.get('/api/v1/reports/volume', { category: 'all' });
  for (const record of records.slice(1)) {
    const g = api.groups.find((x) => x.key === record[0]);
    assert.equal(record[1], g.top_keywords.map((k) => `${k.keyword} (${k.count})`).join('; '),
                 `${record[0]}: a list in a cell is "a; b; c"`);
  }
  await overdueFollowUps();
  await page.goto(`${server.url}/#/team?queue=campus`);
  await waitForView(page, 'Team: campus');
  const csv = await check(/Stalled tickets in campus whose follow-up date/);
  assert.ok(csv.includes(`,"${kAwaitingText.replace(/"/g, '""')}",`),
            'a field with a comma and quotes is quoted, and UTF-8 stays UTF-8');
  // The quoting itself, on fields that need it.
  const record = await page.evaluate(async () => (await import('/assets/js/csv.js'))
    .csvRecord(['a,b', 'say "hi"', 'two\r\nlines', 'plain', '=1+1', '-5', '-1.5 h', '-2+3',
                '@x', 'æøå']));
  assert.equal(record,
               '"a,b","say ""hi""","two\r\nlines",plain,\'=1+1,-5,-1.5 h,\'-2+3,\'@x,æøå');
  assertClean(problems);
  await context.close();
});

test('day: the category filter, and pending feedback and follow-ups read page by page, equal ' +
     'the API', async () => {
  const { context, page, problems } = await signedIn(server.tokens.reader,
                                                     '#/volume?category=incident');
  await waitForView(page, 'Volume');
  const volume = await reader.get('/api/v1/reports/volume', { category: 'incident' });
  const rows = byRow(await readTable(page, /Incident tickets created per month/));
  assert.equal(Object.keys(rows).length, volume.groups.length);
  for (const g of volume.groups) expect.count(rows[g.key].Total, g.total, `incident ${g.key}`);
  await page.goto(`${server.url}/#/response-times`);
  await waitForView(page, 'Response times');
  await page.getByLabel('Category', { exact: true }).selectOption('all');
  await page.waitForFunction(() => location.hash.includes('category=all'));
  await waitForView(page, 'Response times');
  const times = await reader.get('/api/v1/reports/response-times',
                                 { group_by: 'service', category: 'all' });
  const services = byRow(await readTable(page,
                                         /Response times of tickets of all categories by service/));
  assert.equal(Object.keys(services).length, times.groups.length);
  for (const g of times.groups) assertResponseRow(services[g.key], g, `all: ${g.key}`);

  // Pending feedback, 10 at a time, until all are loaded.
  await page.goto(`${server.url}/#/satisfaction?limit=10`);
  await waitForView(page, 'Satisfaction');
  const now = lastSent(problems, '/api/v1/feedback/pending').now;
  const pending = await reader.get('/api/v1/feedback/pending', { now });
  assert.ok(pending.tickets.length > 10, 'more than one page of pending invitations');
  const caption = /waiting for a feedback invitation/;
  assert.equal((await readTable(page, caption)).rows.length, 10, 'the first page');
  const morePending = page.getByRole('button', { name: 'Load more pending invitations' });
  while (await morePending.count()) {
    const before = sentCount(problems, '/api/v1/feedback/pending');
    await morePending.click();
    const sent = await nextSent(page, problems, '/api/v1/feedback/pending', before);
    assert.equal(sent.limit, '10');
    assert.equal(sent.now, now, 'the pages of one list share its now');
    await page.waitForFunction(() => !document.querySelector('.more-button[disabled]'));
  }
  await page.getByText(`All ${pending.tickets.length} pending invitations are loaded.`).waitFor();
  const table = await readTable(page, caption);
  assert.deepEqual(idsOf(table).sort((a, b) => a - b),
                   pending.tickets.map((t) => t.id).sort((a, b) => a - b),
                   'every pending invitation, once');
  table.rows.forEach((row, i) => {
    const p = pending.tickets.find((x) => `#${x.id}` === row[0]);
    assert.equal(row[3].startsWith('Overdue by '), p.overdue, `${row[0]}: overdue`);
    assert.equal(table.classes[i] === 'overdue', p.overdue, `${row[0]}: highlighted`);
  });

  // Follow-ups of all queues, 1 at a time; the team view shows its queue's.
  await overdueFollowUps();
  await page.goto(`${server.url}/#/team?queue=campus&limit=1`);
  await waitForView(page, 'Team: campus');
  const followNow = lastSent(problems, '/api/v1/followups').now;
  const followups = await reader.get('/api/v1/followups', { now: followNow });
  assert.ok(followups.tickets.length > 1, 'more than one page of follow-ups');
  const moreFollowups = page.getByRole('button', { name: /^Load more overdue follow-ups/ });
  while (await moreFollowups.count()) {
    const before = sentCount(problems, '/api/v1/followups');
    await moreFollowups.click();
    await nextSent(page, problems, '/api/v1/followups', before);
    await page.waitForFunction(() => !document.querySelector('.more-button[disabled]'));
  }
  const campus = followups.tickets.filter((f) => f.queue === 'campus').map((f) => `#${f.id}`);
  const stalled = await readTable(page, /Stalled tickets in campus/);
  assert.deepEqual(stalled.rows.map((r) => r[0]).sort(), campus.sort());
  expect.count(await page.locator('#overdue-count').textContent(), campus.length, 'overdue');
  assertClean(problems);
  await context.close();
});
