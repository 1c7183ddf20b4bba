// 5. Satisfaction: feedback scores and invitations per service or queue
// (GET /api/v1/reports/satisfaction) and the resolved tickets still waiting for their
// invitation, overdue ones first (GET /api/v1/feedback/pending, against the browser's clock,
// page by page with limit/after; "overdue first" orders the tickets loaded so far).
import { chartFigure } from '../charts.js';
import { dataTable, h, section, ticketLink } from '../dom.js';
import * as format from '../format.js';
import { asOfNow, filterBar, heading, moreControl, PagedList, pageSize, periodFields,
         periodParams, periodText, selectField } from './common.js';

export const title = 'Satisfaction';

export async function render(context, root) {
  const groupBy = context.params.get('group_by') === 'queue' ? 'queue' : 'service';
  const period = periodParams(context.params);
  const [report, pending] = await Promise.all([
    context.api('/api/v1/reports/satisfaction', { ...period.api, group_by: groupBy }),
    new PagedList(context, '/api/v1/feedback/pending', { now: context.now },
                  pageSize(context.params, 100)).first(),
  ]);
  const groups = [...report.groups].sort((a, b) =>
    format.groupName(a.key).localeCompare(format.groupName(b.key)));
  const now = pending.answer.now;
  const pendingSummary = h('p', {});
  const pendingHolder = h('div', { class: 'list-table' });
  const drawPending = () => {
    const waiting = [...pending.items].sort((a, b) =>
      (b.overdue - a.overdue) || a.due_at.localeCompare(b.due_at) || a.id - b.id);
    const overdue = waiting.filter((t) => t.overdue).length;
    pendingSummary.replaceChildren(pending.complete
      ? `${waiting.length} resolved tickets have not been invited to give feedback since ` +
        `their resolution; ${overdue} of them are past the 2 hours. `
      : `Of the first ${waiting.length} resolved tickets (by number) that have not been ` +
        `invited to give feedback since their resolution, ${overdue} are past the 2 hours. `,
      ...asOfNow(now));
    pendingHolder.replaceChildren(dataTable({
      caption: 'Resolved tickets waiting for a feedback invitation, overdue first',
      columns: [{ label: 'Ticket' }, { label: 'Resolved at' }, { label: 'Invitation due' },
                { label: 'State' }],
      rows: waiting.map((t) => ({
        header: ticketLink(t.id),
        class: t.overdue ? 'overdue' : null,
        cells: [format.timeElement(t.resolved_at), format.timeElement(t.due_at),
                t.overdue
                  ? h('strong', { class: 'badge badge-overdue' },
                    `Overdue by ${format.duration(format.secondsBetween(t.due_at, now))}`)
                  : `Due in ${format.duration(format.secondsBetween(now, t.due_at))}`],
      })),
      empty: 'Every resolved ticket has been invited.',
    }));
    return pendingHolder.querySelector('.table-wrap');
  };
  drawPending();
  const label = groupBy === 'queue' ? 'Queue' : 'Service';

  root.append(
    ...heading(title, 'The service centre invites the requester to give feedback at most 2 ' +
               'hours after the answer. Scores are 1 to 5; tickets of all categories ' +
               `${periodText(period)}.`),
    filterBar(
      selectField({
        id: 'group-by', label: 'Group by', value: groupBy,
        options: [{ value: 'service', label: 'Service' }, { value: 'queue', label: 'Queue' }],
        onChange: (value) => context.go({ group_by: value, from: period.from, to: period.to }),
      }),
      ...periodFields(context, period, () => ({ group_by: groupBy }))),
    section(`Feedback by ${label.toLowerCase()}`,
      chartFigure({
        title: `Mean feedback score by ${label.toLowerCase()} (1 to 5)`,
        summary: 'The table below has the numbers.',
        type: 'bar',
        labels: groups.map((g) => format.groupName(g.key)),
        datasets: [{ label: 'mean score', data: groups.map((g) => g.mean_score) }],
        options: { yMax: 5, yTitle: 'mean score' },
      }),
      dataTable({
        caption: `Feedback and invitations by ${label.toLowerCase()}`,
        columns: [{ label }, { label: 'Feedback received', numeric: true },
                  { label: 'Mean score', numeric: true }, { label: 'Invitations', numeric: true },
                  { label: 'Within 2 h', numeric: true },
                  { label: 'Share within 2 h', numeric: true }],
        rows: groups.map((g) => ({
          header: format.groupName(g.key),
          cells: [g.feedback, format.score(g.mean_score), g.invited, g.invited_within_2h,
                  format.share(g.invited_within_2h_share)],
        })),
        empty: 'No feedback or invitations in this period.',
      })),
    section('Invitations pending',
      pendingSummary,
      pendingHolder,
      moreControl(pending, { what: 'pending invitations', id: 'more-pending',
                             redraw: drawPending })));
}
