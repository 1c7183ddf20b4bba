// The browser's clock, sent as `now` to the reports that take it (docs/api.md: the dashboard,
// workload, follow-ups and pending feedback). Without it the server answers as of the latest
// event, so on a quiet day every age and "overdue by" would stand still.

// Now in UTC, to the second, as RFC 3339 ("2026-12-05T08:01:02Z").
export function browserNow() {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

// "08:01" of an RFC 3339 instant, in UTC.
export function clockTime(rfc3339) {
  return new Date(rfc3339).toISOString().slice(11, 16);
}
