// Browser tests of the dashboard page (docs/page.md) against the real `ticketledger serve`
// with a seeded history: every view renders, its numbers equal the API's, the as-of control
// shows the right past state, no console errors, nothing fetched from elsewhere, a wrong token
// gets a clear message. Screenshots of each view (1280x800) go to $TL_SCREENSHOTS.
//
// Test names start with their group: "page", "token", "ticket", "keyboard" need only the
// ticket API; "reports" need the report endpoints (Projections::Report).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';

import { byRow, launch, openPage, readTable, signIn, waitForView } from './lib/browser.mjs';
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
    const api = await reader.get('/api/v1/dashboard', { days: 100, queue });
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
  const nowMs = Date.parse((await reader.get('/api/v1/dashboard')).now);
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
    const workload = await reader.get('/api/v1/reports/workload', { queue });
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

    const followups = await reader.get('/api/v1/followups');
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
  const pending = await reader.get('/api/v1/feedback/pending');
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
                                 ['response-times', 'Response times'], ['volume', 'Volume'],
                                 ['satisfaction', 'Satisfaction']]) {
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
