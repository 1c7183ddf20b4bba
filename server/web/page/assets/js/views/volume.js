// 4. Support volume per service over time and each service's top request keywords
// (GET /api/v1/reports/volume?group_by=service&interval=month|week&category=), support tickets
// unless another category (or all) is chosen.
import { chartFigure } from '../charts.js';
import { groupName } from '../format.js';
import { dataTable, h, section } from '../dom.js';
import { keysSpanned } from '../periods.js';
import { categoryField, categoryText, filterBar, heading, periodFields, periodParams,
         periodText, reportCategory, selectField } from './common.js';

export const title = 'Volume';

export async function render(context, root) {
  const interval = context.params.get('interval') === 'week' ? 'week' : 'month';
  const category = reportCategory(context.params);
  const period = periodParams(context.params);
  const kept = { interval, category: category === 'support' ? '' : category };
  const what = categoryText(category);
  const What = what[0].toUpperCase() + what.slice(1);
  const volume = await context.api('/api/v1/reports/volume',
                                   { ...period.api, group_by: 'service', interval, category });
  const groups = [...volume.groups].sort((a, b) =>
    groupName(a.key).localeCompare(groupName(b.key)));
  const keys = keysSpanned(interval, groups.map((g) => g.by_interval));
  const total = groups.reduce((sum, g) => sum + g.total, 0);
  const unit = interval === 'week' ? 'ISO week' : 'month';

  root.append(
    ...heading(title, `${total} ${what} ${periodText(period)}, by service and ${unit} ` +
               'of creation; and what they were about, from the keywords of their descriptions.'),
    filterBar(
      selectField({
        id: 'interval', label: 'Interval', value: interval,
        options: [{ value: 'month', label: 'Month' }, { value: 'week', label: 'Week' }],
        onChange: (value) => context.go({ ...kept, interval: value, from: period.from,
                                          to: period.to }),
      }),
      categoryField(category, (value) => context.go({ ...kept, category: value,
                                                      from: period.from, to: period.to })),
      ...periodFields(context, period, () => kept)),
    section(`${What} per service and ${unit}`,
      chartFigure({
        title: `${What} created per ${unit}, by service`,
        summary: 'The table below has the numbers.',
        type: 'line',
        labels: keys,
        datasets: groups.map((g) => ({ label: groupName(g.key),
                                       data: keys.map((k) => g.by_interval[k] || 0) })),
        options: { yTitle: 'tickets created' },
      }),
      dataTable({
        caption: `${What} created per ${unit}, by service`,
        columns: [{ label: 'Service' }, ...keys.map((k) => ({ label: k, numeric: true })),
                  { label: 'Total', numeric: true }],
        rows: groups.map((g) => ({
          header: groupName(g.key), cells: [...keys.map((k) => g.by_interval[k] || 0), g.total],
        })),
        foot: {
          header: 'All services',
          cells: [...keys.map((k) => groups.reduce((s, g) => s + (g.by_interval[k] || 0), 0)),
                  total],
        },
        empty: `No ${what} in this period.`,
      })),
    section('Top request keywords',
      dataTable({
        caption: `The ten most frequent description keywords of each service\u2019s ${what} ` +
                 '(tickets that name each)',
        columns: [{ label: 'Service' }, { label: 'Keywords, most frequent first' }],
        rows: groups.map((g) => ({
          header: groupName(g.key),
          cells: [h('ol', { class: 'keywords' }, g.top_keywords.map((k) =>
            h('li', {}, h('span', { class: 'keyword' }, k.keyword), ' ',
              h('span', { class: 'keyword-count' }, `(${k.count})`))))],
        })),
        empty: `No ${what} in this period.`,
      })));
}
