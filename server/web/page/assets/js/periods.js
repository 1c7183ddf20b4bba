// The period keys of docs/api.md's reports (all of created_at in UTC): month "YYYY-MM", ISO week
// "YYYY-Www" (ISO week-year), day "YYYY-MM-DD". Tables and charts show every period between
// the first and the last, so that a quiet period shows as 0 instead of vanishing.

const kDayMs = 86400000;

function pad(n, width = 2) {
  return String(n).padStart(width, '0');
}

export function monthKey(date) {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}`;
}

export function dayKey(date) {
  return date.toISOString().slice(0, 10);
}

// ISO 8601: weeks start on Monday; week 1 is the one with the year's first Thursday.
export function weekKey(date) {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = (day.getUTCDay() + 6) % 7;  // Monday 0 ... Sunday 6
  const thursday = new Date(day.getTime() + (3 - weekday) * kDayMs);
  const year = thursday.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  const firstWeekday = (firstThursday.getUTCDay() + 6) % 7;
  const week1Monday = firstThursday.getTime() - firstWeekday * kDayMs;
  const week = Math.floor((thursday.getTime() - week1Monday) / (7 * kDayMs)) + 1;
  return `${year}-W${pad(week)}`;
}

const kKeyOf = { month: monthKey, week: weekKey, day: dayKey };

// The start of the period that holds key (UTC).
function startOf(interval, key) {
  if (interval === 'month') return new Date(`${key}-01T00:00:00Z`);
  if (interval === 'day') return new Date(`${key}T00:00:00Z`);
  const [year, week] = key.split('-W').map(Number);
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * kDayMs;
  return new Date(monday + (week - 1) * 7 * kDayMs);
}

function next(interval, date) {
  if (interval === 'month') {
    return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));
  }
  return new Date(date.getTime() + (interval === 'week' ? 7 : 1) * kDayMs);
}

// Every key from the period of `first` to the period of `last` (keys or Dates), in order,
// plus any of `extra` keys outside that range (so no data is ever dropped).
export function periodRange(interval, first, last, extra = []) {
  const keyOf = kKeyOf[interval];
  const firstKey = first instanceof Date ? keyOf(first) : first;
  const lastKey = last instanceof Date ? keyOf(last) : last;
  const keys = [];
  if (firstKey && lastKey && firstKey <= lastKey) {
    for (let d = startOf(interval, firstKey); keyOf(d) <= lastKey && keys.length < 5000;
         d = next(interval, d)) {
      keys.push(keyOf(d));
    }
  }
  const all = new Set(keys);
  for (const key of extra) all.add(key);
  return [...all].sort();
}

// The range spanned by the keys of `maps` (objects keyed by period).
export function keysSpanned(interval, maps) {
  const keys = [...new Set(maps.flatMap((m) => Object.keys(m || {})))].sort();
  if (keys.length === 0) return [];
  return periodRange(interval, keys[0], keys[keys.length - 1], keys);
}
