// 2. Team view, the daily review of one queue: open tickets by owner and unowned
// (GET /api/v1/reports/workload), stalled tickets whose follow-up date has passed
// (GET /api/v1/followups), the oldest open ticket, and the open tickets themselves
// (GET /api/v1/tickets). Ages and overdue times are against the browser's clock (`now`); the
// follow-ups are read page by page (limit/after) and filtered to the queue here.
import { chartFigure } from '../charts.js';
import { dataTable, h, section, ticketLink } from '../dom.js';
import * as format from '../format.js';
import { asOfNow, filterBar, heading, loadQueues, moreControl, PagedList, pageSize,
         queueOptions, selectField } from './common.js';

export const title = 'Team';
const kListLimit = 1000;

// The queue shown when none is chosen: the first team (not first-line) queue.
function defaultQueue(queues) {
  const team = queues.find((q) => !q.first_line);
  return team ? team.name : (queues[0] ? queues[0].name : '');
}

export async function render(context, root) {
  const queues = await loadQueues(context);
  const queue = context.params.get('queue') || defaultQueue(queues);
  const [workload, followups, list] = await Promise.all([
    context.api('/api/v1/reports/workload', { queue, now: context.now }),
    new PagedList(context, '/api/v1/followups', { now: context.now },
                  pageSize(context.params, 100)).first(),
    context.api('/api/v1/tickets', { status: 'new,open,stalled', queue, limit: kListLimit }),
  ]);
  const groups = workload.groups.filter((g) => g.queue === queue)
    .sort((a, b) => (a.owner === null ? -1
                     : b.owner === null ? 1 : a.owner.localeCompare(b.owner)));
  const open = groups.reduce((sum, g) => sum + g.open, 0);
  const oldest = groups.reduce((best, g) =>
    (g.oldest_age_s !== null && (!best || g.oldest_age_s > best.oldest_age_s) ? g : best), null);
  const overdueNow = () => followups.items.filter((t) => t.queue === queue)
    .sort((a, b) => a.follow_up_at.localeCompare(b.follow_up_at) || a.id - b.id);
  const overdueCount = h('dd', { id: 'overdue-count' });
  const overdueHolder = h('div', { class: 'list-table' });
  const drawOverdue = () => {
    const overdue = overdueNow();
    overdueCount.textContent = `${format.count(overdue.length)}${followups.complete ? '' : '+'}`;
    overdueHolder.replaceChildren(dataTable({
      caption: `Stalled tickets in ${queue} whose follow-up date has passed`,
      columns: [{ label: 'Ticket' }, { label: 'Owner' }, { label: 'Awaiting' },
                { label: 'Follow up at' }, { label: 'Overdue by', numeric: true }],
      rows: overdue.map((t) => ({
        header: ticketLink(t.id),
        cells: [t.owner === null ? 'Unowned' : t.owner, t.awaiting,
                format.timeElement(t.follow_up_at),
                format.duration(format.secondsBetween(t.follow_up_at,
                                                      followups.answer.now))],
      })),
      empty: 'No follow-up is overdue.',
    }));
    return overdueHolder.querySelector('.table-wrap');
  };
  drawOverdue();
  const tickets = [...list.tickets].sort((a, b) =>
    (a.owner || '').localeCompare(b.owner || '') || a.created_at.localeCompare(b.created_at));
  const oldestTicket = [...list.tickets].sort((a, b) =>
    a.created_at.localeCompare(b.created_at) || a.id - b.id)[0];
  const ownerName = (owner) => (owner === null ? 'Unowned' : owner);

  root.append(
    ...heading(`${title}: ${queue}`, 'The daily review of a queue: who holds which open ' +
               'tickets, which stalled tickets are due for follow-up, and how long the oldest ' +
               'has waited. ', ...asOfNow(workload.now)),
    filterBar(selectField({
      id: 'queue', label: 'Queue', value: queue, options: queueOptions(queues, null),
      onChange: (value) => context.go({ queue: value }),
    })),
    h('dl', { class: 'figures' },
      h('div', {}, h('dt', {}, 'Open tickets'), h('dd', { id: 'open-count' }, format.count(open))),
      h('div', {}, h('dt', {}, 'Unowned'), h('dd', { id: 'unowned-count' },
        format.count(groups.filter((g) => g.owner === null).reduce((s, g) => s + g.open, 0)))),
      h('div', {}, h('dt', {}, 'Follow-ups overdue'), overdueCount),
      h('div', {}, h('dt', {}, 'Oldest open ticket'), h('dd', { id: 'oldest-age' },
        oldest ? format.duration(oldest.oldest_age_s) : '–',
        oldestTicket ? [' (', ticketLink(oldestTicket.id), ')'] : null))),
    section('Open tickets by owner',
      groups.length ? chartFigure({
        title: `Open tickets by owner in ${queue}`,
        summary: 'The table below has the numbers.',
        type: 'bar',
        labels: groups.map((g) => ownerName(g.owner)),
        datasets: [{ label: 'open tickets', data: groups.map((g) => g.open) }],
        options: { horizontal: true },
      }) : null,
      dataTable({
        caption: `Open tickets in ${queue} by owner (all categories)`,
        columns: [{ label: 'Owner' }, { label: 'Open', numeric: true },
                  { label: 'Oldest created' }, { label: 'Oldest age', numeric: true }],
        rows: groups.map((g) => ({
          header: ownerName(g.owner),
          cells: [g.open, format.timeElement(g.oldest_created_at), format.duration(g.oldest_age_s)],
        })),
        foot: groups.length ? { header: 'All owners', cells: [open, oldest ?
          format.timeElement(oldest.oldest_created_at) : '–',
          oldest ? format.duration(oldest.oldest_age_s) : '–'] } : null,
        empty: 'No open tickets in this queue.',
      })),
    section('Stalled tickets with overdue follow-ups',
      overdueHolder,
      moreControl(followups, { what: 'overdue follow-ups of all queues', id: 'more-followups',
                               redraw: drawOverdue })),
    section('Open tickets',
      dataTable({
        caption: `Open tickets in ${queue}, by owner, oldest first`,
        columns: [{ label: 'Ticket' }, { label: 'Owner' }, { label: 'Status' },
                  { label: 'Service' }, { label: 'Category' }, { label: 'Subject' },
                  { label: 'Created' }, { label: 'Age', numeric: true }],
        rows: tickets.map((t) => ({
          header: ticketLink(t.id),
          cells: [t.owner === null ? 'Unowned' : t.owner, t.status, format.groupName(t.service),
                  t.category,
                  t.subject || t.description, format.timeElement(t.created_at),
                  format.duration(format.secondsBetween(t.created_at, workload.now))],
        })),
        empty: 'No open tickets in this queue.',
      }),
      list.next !== null ? h('p', { class: 'note' },
        `Showing the first ${kListLimit} open tickets of this queue.`) : null));
}
