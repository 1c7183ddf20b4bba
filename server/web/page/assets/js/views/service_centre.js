// 1. Service centre: open support tickets received in the last 100 days, by service and ISO
// week of creation (GET /api/v1/dashboard), and the tickets teams returned to the service
// centre in that time (GET /api/v1/reports/misroutes). The counts open the ticket list of
// their tickets (a drill-down).
import { chartFigure } from '../charts.js';
import { groupName } from '../format.js';
import { dataTable, h, section } from '../dom.js';
import { periodRange } from '../periods.js';
import { routeHash } from '../router.js';
import { asOfNow, filterBar, heading, loadQueues, queueOptions, selectField } from './common.js';

export const title = 'Service centre';
const kDays = 100;

// A count that opens the ticket list of the tickets it counts: the dashboard's filters
// (open support tickets, the queue, the service) and its window (now - 100 days, now] and
// week, which the list applies to created_at itself (docs/page.md). Zero links nowhere.
function drillDown(n, what, filters) {
  if (!n) return n;
  return h('a', { href: routeHash('tickets', '', { category: 'support', ...filters }),
                  class: 'drill-down', 'aria-label': `${n} ${what}` }, String(n));
}

export async function render(context, root) {
  const queue = context.params.get('queue') || '';
  const [queues, dashboard] = await Promise.all([
    loadQueues(context),
    context.api('/api/v1/dashboard', { days: kDays, queue, now: context.now }),
  ]);
  const nowMs = dashboard.now ? Date.parse(dashboard.now) : null;
  const from = nowMs === null ? null : new Date(nowMs - kDays * 86400000);
  const misroutes = await context.api('/api/v1/reports/misroutes',
                                      from ? { from: from.toISOString() } : {});

  const rows = [...dashboard.rows].sort((a, b) =>
    groupName(a.service).localeCompare(groupName(b.service)));
  const dataKeys = rows.flatMap((r) => Object.keys(r.by_week));
  const weeks = nowMs === null ? periodRange('week', null, null, dataKeys)
                               : periodRange('week', new Date(from.getTime() + 1),
                                             new Date(nowMs), dataKeys);
  const scope = queue ? `queue ${queue}` : 'all queues';
  const span = nowMs === null ? {} : { created_after: from.toISOString().replace('.000Z', 'Z'),
                                       created_until: dashboard.now };
  // Unclassified tickets (service null) cannot be asked for by the list's filters: no link.
  const cell = (n, service, week) => (service === null ? n : drillDown(n,
    `open support tickets${service ? ` of ${service}` : ''}${week ? ` created in ${week}` : ''}` +
    ` (${scope}): show them`, { queue, service, week, ...span }));

  root.append(
    ...heading(title, `${dashboard.total} open support tickets (new, open or stalled) created ` +
               `in the last ${kDays} days, ${scope}. `, ...asOfNow(dashboard.now)),
    filterBar(selectField({
      id: 'queue', label: 'Queue', value: queue, options: queueOptions(queues, 'All queues'),
      onChange: (value) => context.go({ queue: value }),
    })),
    section('Open support tickets by service and week of creation',
      chartFigure({
        title: `Open support tickets by week of creation, stacked by service (${scope})`,
        summary: 'The table below has the numbers.',
        type: 'bar',
        labels: weeks,
        datasets: rows.map((r) => ({ label: groupName(r.service),
                                     data: weeks.map((w) => r.by_week[w] || 0) })),
        options: { stacked: true, yTitle: 'open tickets' },
      }),
      dataTable({
        caption: `Open support tickets created in the last ${kDays} days, by service and ISO ` +
                 `week of creation (${scope})`,
        columns: [{ label: 'Service' }, ...weeks.map((w) => ({ label: w, numeric: true })),
                  { label: 'Total', numeric: true }],
        rows: rows.map((r) => ({
          header: groupName(r.service),
          cells: [...weeks.map((w) => cell(r.by_week[w] || 0, r.service, w)),
                  cell(r.total, r.service, '')],
        })),
        foot: {
          header: 'All services',
          cells: [...weeks.map((w) => cell(rows.reduce((sum, r) => sum + (r.by_week[w] || 0), 0),
                                           '', w)),
                  cell(dashboard.total, '', '')],
        },
        empty: 'No open support tickets in this period.',
      })),
    section('Returned to the service centre',
      dataTable({
        caption: `Tickets created in the last ${kDays} days that a team moved back to the ` +
                 'service centre, by service and team',
        columns: [{ label: 'Service' }, { label: 'From queue' },
                  { label: 'Returns', numeric: true }],
        rows: [...misroutes.groups]
          .sort((a, b) => b.count - a.count ||
                          groupName(a.service).localeCompare(groupName(b.service)) ||
                          a.from_queue.localeCompare(b.from_queue))
          .map((g) => ({ header: groupName(g.service), cells: [g.from_queue, g.count] })),
        empty: 'No ticket was returned.',
      })));
}
