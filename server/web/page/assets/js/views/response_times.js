// 3. Response times of support tickets: first response and resolution p50/p90 per month for a
// service (GET /api/v1/reports/response-times?group_by=month), per service over the period
// (group_by=service), and the share of actions within the process's bounds
// (GET /api/v1/reports/compliance). The category filter is the report's `category` (support
// unless chosen, or all); compliance counts every category.
import { chartFigure } from '../charts.js';
import { dataTable, section } from '../dom.js';
import * as format from '../format.js';
import { keysSpanned } from '../periods.js';
import { categoryField, categoryText, filterBar, heading, loadServices, periodFields,
         periodParams, periodText, reportCategory, selectField } from './common.js';

export const title = 'Response times';

const kColumns = [
  { label: 'Tickets', numeric: true },
  { label: 'Answered', numeric: true },
  { label: 'Awaiting a first reply', numeric: true },
  { label: 'First response p50', numeric: true },
  { label: 'First response p90', numeric: true },
  { label: 'Resolved', numeric: true },
  { label: 'Resolution p50', numeric: true },
  { label: 'Resolution p90', numeric: true },
];

function cells(g) {
  return [g.tickets, g.first_response.count, g.first_response.pending,
          format.duration(g.first_response.p50_s), format.duration(g.first_response.p90_s),
          g.resolution.count, format.duration(g.resolution.p50_s),
          format.duration(g.resolution.p90_s)];
}

function hours(seconds) {
  return seconds === null || seconds === undefined ? null : seconds / 3600;
}

export async function render(context, root) {
  const service = context.params.get('service') || '';
  const category = reportCategory(context.params);
  const period = periodParams(context.params);
  const kept = { service, category: category === 'support' ? '' : category };
  const what = categoryText(category);
  const What = what[0].toUpperCase() + what.slice(1);
  const [services, byMonth, byService, compliance] = await Promise.all([
    loadServices(context),
    context.api('/api/v1/reports/response-times', { ...period.api, service, category,
                                                    group_by: 'month' }),
    context.api('/api/v1/reports/response-times', { ...period.api, category,
                                                    group_by: 'service' }),
    context.api('/api/v1/reports/compliance', { ...period.api, group_by: 'service' }),
  ]);
  const months = keysSpanned('month', [Object.fromEntries(byMonth.groups.map((g) => [g.key, 1]))]);
  const monthGroup = new Map(byMonth.groups.map((g) => [g.key, g]));
  const scope = service ? `service ${service}` : 'all services';
  const sortedByKey = (groups) =>
    [...groups].sort((a, b) => format.groupName(a.key).localeCompare(format.groupName(b.key)));
  const series = (pick) => months.map((m) => (monthGroup.has(m) ? hours(pick(monthGroup.get(m)))
                                                                 : null));

  root.append(
    ...heading(title, 'First response is the first reply after the ticket was opened (the ' +
               'automatic acknowledgement does not count); resolution is the time a ticket ' +
               'spent new or open before its latest resolution, not the time it was stalled. ' +
               `${What} ${periodText(period)}.`),
    filterBar(
      selectField({
        id: 'service', label: 'Service', value: service,
        options: [{ value: '', label: 'All services' },
                  ...services.map((s) => ({ value: s.name, label: s.name }))],
        onChange: (value) => context.go({ ...kept, service: value, from: period.from,
                                          to: period.to }),
      }),
      categoryField(category, (value) => context.go({ ...kept, category: value,
                                                      from: period.from, to: period.to })),
      ...periodFields(context, period, () => kept)),
    section(`By month of creation (${scope})`,
      chartFigure({
        title: `First response and resolution p50 and p90 by month, in hours (${scope})`,
        summary: 'The table below has the numbers.',
        type: 'line',
        labels: months,
        datasets: [
          { label: 'First response p50', data: series((g) => g.first_response.p50_s) },
          { label: 'First response p90', data: series((g) => g.first_response.p90_s),
            borderDash: [6, 4] },
          { label: 'Resolution p50', data: series((g) => g.resolution.p50_s) },
          { label: 'Resolution p90', data: series((g) => g.resolution.p90_s), borderDash: [6, 4] },
        ],
        options: { logarithmic: true, yTitle: 'hours (logarithmic)' },
      }),
      dataTable({
        caption: `Response times of ${what} by month of creation (${scope})`,
        columns: [{ label: 'Month' }, ...kColumns],
        rows: sortedByKey(byMonth.groups).map((g) => ({ header: g.key, cells: cells(g) })),
        empty: `No ${what} in this period.`,
      })),
    section('By service',
      dataTable({
        caption: `Response times of ${what} by service`,
        columns: [{ label: 'Service' }, ...kColumns],
        rows: sortedByKey(byService.groups)
          .map((g) => ({ header: format.groupName(g.key), cells: cells(g) })),
        empty: `No ${what} in this period.`,
      })),
    section('Within the process\u2019s bounds',
      dataTable({
        caption: 'Share of actions that kept the process\u2019s rules, by service (all ' +
                 'categories)',
        columns: [{ label: 'Service' },
                  { label: 'Resolutions with a solution', numeric: true },
                  { label: 'Stalls with a follow-up date', numeric: true },
                  { label: 'Owners in the ticket\u2019s queue', numeric: true },
                  { label: 'Feedback invitations within 2 h', numeric: true }],
        rows: sortedByKey(compliance.groups).map((g) => ({
          header: format.groupName(g.key),
          cells: [format.shareOf(g.resolved_with_solution, g.resolved),
                  format.shareOf(g.stalls_with_follow_up, g.stalls),
                  format.shareOf(g.assignments_in_queue, g.assignments),
                  format.shareOf(g.invited_within_2h, g.invited)],
        })),
        empty: 'Nothing to count in this period.',
      })));
}
