// Charts, drawn by Chart.js (Debian's libjs-chart.js, loaded as /assets/vendor/chart.min.js).
// Every chart has a table with the same numbers under it; the canvas is an image with a text
// alternative that points there. Charts live until the view changes (destroyCharts).
import { h, uniqueId } from './dom.js';

// Okabe–Ito and Tableau colours: distinguishable, also for most colour-blind readers.
const kPalette = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442',
                  '#4e79a7', '#9c755f', '#76b7b2', '#59a14f', '#b07aa1', '#ff9da7', '#bab0ac'];

export function colour(i) {
  return kPalette[i % kPalette.length];
}

const live = new Set();

export function destroyCharts() {
  for (const chart of live) chart.destroy();
  live.clear();
}

// A <figure> holding a canvas and a caption; call .draw() once the figure is in the document.
//   type: 'bar' | 'line'; labels: x values; datasets: [{label, data, ...}];
//   options: {stacked, yTitle, logarithmic, horizontal, yMax}. A horizontal chart's height
//   follows its number of bars.
export function chartFigure({ title, summary, type, labels, datasets, options = {} }) {
  const captionId = uniqueId('figcaption');
  const canvas = h('canvas', { role: 'img', 'aria-label': `${title}. ${summary}` });
  const figure = h('figure', { class: 'chart', 'aria-labelledby': captionId },
    h('div', { class: 'chart-box' }, canvas),
    h('figcaption', { id: captionId }, title));
  figure.draw = () => {
    if (!window.Chart) return;
    if (options.horizontal) {
      // Through the CSSOM: the page's CSP forbids style attributes.
      canvas.parentElement.style.height = `${Math.min(480, 70 + 40 * labels.length)}px`;
    }  // the library failed to load; the table still has the numbers
    const valueAxis = {
      stacked: Boolean(options.stacked),
      type: options.logarithmic ? 'logarithmic' : 'linear',
      beginAtZero: !options.logarithmic,
      max: options.yMax,
      title: { display: Boolean(options.yTitle), text: options.yTitle || '' },
    };
    const categoryAxis = { stacked: Boolean(options.stacked) };
    const chart = new window.Chart(canvas, {
      type,
      data: {
        labels,
        datasets: datasets.map((d, i) => ({
          backgroundColor: colour(i), borderColor: colour(i), borderWidth: type === 'line' ? 2 : 0,
          spanGaps: false, ...d,
        })),
      },
      options: {
        animation: false,  // no motion; a chart is drawn once per view
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: options.horizontal ? 'y' : 'x',
        scales: options.horizontal ? { x: valueAxis, y: categoryAxis }
                                   : { x: categoryAxis, y: valueAxis },
        plugins: { legend: { display: datasets.length > 1, position: 'bottom' } },
      },
    });
    live.add(chart);
  };
  return figure;
}
