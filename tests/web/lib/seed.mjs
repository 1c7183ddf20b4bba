// A history for the browser tests, written through the API: reference data as admin, then a
// few hundred tickets with their replies, assignments, moves (some back to the service centre),
// stalls, requester messages, resolutions, reopenings, feedback invitations and feedback, as
// an importer setting `occurred_at` so that they spread over the seven months before now.
// Seeded: the same seed gives the same history relative to its end. It ends at the wall
// clock because the reports' default "now" is the latest event's occurred_at, and queue and
// service definitions always occur when they are recorded.
// Until `ticketledger generate` lands this is the demo data of docs/page.md.

// mulberry32: small, fast, good enough to draw a test history.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const kMinute = 60000;
const kHour = 60 * kMinute;
const kDay = 24 * kHour;
const kSpan = 212 * kDay;  // about seven months

export const kQueues = {
  Orakel: { members: ['olga', 'otto', 'oda'], first_line: true },
  campus: { members: ['carl', 'cora', 'cato'] },
  drift: { members: ['dina', 'dag'] },
  identitet: { members: ['ida', 'ivar'] },
  media: { members: ['mia', 'max'] },
};

export const kServices = {
  Identitet_Feide: { title: 'Feide identity', queue: 'identitet', weight: 5,
    keywords: ['login', 'password reset', 'mfa', 'attribute release', 'saml', 'account locked',
               'new service provider', 'affiliation'] },
  Eduroam: { title: 'eduroam', queue: 'campus', weight: 4,
    keywords: ['certificate', 'android', 'cat profile', 'radius', 'guest access', 'roaming'] },
  Campusnett: { title: 'Campus network', queue: 'campus', weight: 3,
    keywords: ['vpn', 'ip address', 'firewall opening', 'switch port', 'wifi coverage'] },
  DNS: { title: 'DNS', queue: 'drift', weight: 2,
    keywords: ['zone transfer', 'dnssec', 'reverse dns', 'new domain', 'ttl'] },
  Filesender: { title: 'FileSender', queue: 'drift', weight: 2,
    keywords: ['upload fails', 'quota', 'large file', 'expiry', 'guest voucher'] },
  Zoom: { title: 'Zoom', queue: 'media', weight: 3,
    keywords: ['licence', 'recording', 'sso login', 'webinar', 'meeting limit'] },
};

const kAwaiting = ['logs from the requester', 'a screenshot', 'confirmation from the vendor',
                   'the requester\u2019s certificate', 'approval from the institution'];

// Plans every ticket: its creation and its actions, each at an occurred_at before endMs.
export function planHistory({ tickets = 320, seed = 5, end = Date.now() } = {}) {
  const endMs = Math.floor(end / 1000) * 1000;
  const startMs = endMs - kSpan;
  const r = random(seed);
  const pick = (list) => list[Math.floor(r() * list.length)];
  const chance = (p) => r() < p;
  // A right-skewed delay with the given median (log-normal-ish from two uniforms).
  const delay = (median) => median * Math.exp((r() + r() - 1) * 2.2);
  const serviceNames = Object.keys(kServices);
  const weights = serviceNames.map((s) => kServices[s].weight);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const pickService = () => {
    let x = r() * weightSum;
    for (let i = 0; i < serviceNames.length; i += 1) {
      x -= weights[i];
      if (x < 0) return serviceNames[i];
    }
    return serviceNames[serviceNames.length - 1];
  };
  const plans = [];
  for (let n = 0; n < tickets; n += 1) {
    // Working hours on weekdays, a few tickets at the weekend.
    let created;
    do {
      const day = Math.floor(r() * (kSpan / kDay));
      created = Math.floor((startMs + day * kDay) / kDay) * kDay + (7 + r() * 9) * kHour;
    } while (created >= endMs || ([0, 6].includes(new Date(created).getUTCDay()) && chance(0.8)));
    created = Math.floor(created / 1000) * 1000;
    const service = pickService();
    const info = kServices[service];
    const words = new Set([pick(info.keywords)]);
    while (words.size < 3 && chance(0.5)) words.add(pick(info.keywords));
    const category = chance(0.82) ? 'support' : pick(['incident', 'incident', 'order',
                                                      'termination']);
    const firstLine = chance(0.55);
    const plan = {
      created,
      ticket: {
        service, category, description: [...words].join(chance(0.2) ? '; ' : ', '),
        queue: firstLine ? 'Orakel' : info.queue,
        requester: `${pick(['kari', 'ola', 'per', 'siri', 'nils', 'anne', 'jon'])}` +
                   `@${pick(['uio', 'ntnu', 'uib', 'uit', 'hvl'])}.no`,
        channel: pick(['email', 'email', 'email', 'phone', 'forwarded', 'web']),
        subject: `${[...words][0][0].toUpperCase()}${[...words][0].slice(1)} question`,
      },
      actions: [],
    };
    let t = created;
    let queue = plan.ticket.queue;
    let owner = null;
    const at = (ms) => {
      t = Math.floor(Math.max(t + 1000, ms) / 1000) * 1000;
      return t < endMs;
    };
    const add = (action, actor) => {
      plan.actions.push({ ...action, occurred_at: new Date(t).toISOString(), actor });
    };
    const member = () => pick(kQueues[queue].members);
    // The service centre hands most of its tickets to the team.
    if (firstLine && chance(0.45)) {
      if (!at(t + delay(40 * kMinute))) { plans.push(plan); continue; }
      add({ type: 'move', queue: info.queue, reason: 'handled by the product team' }, member());
      queue = info.queue;
    }
    if (chance(0.8)) {
      if (!at(t + delay(30 * kMinute))) { plans.push(plan); continue; }
      owner = member();
      add({ type: 'assign', owner }, owner);
    }
    // Some teams send a ticket back to the service centre: a misroute.
    if (queue !== 'Orakel' && !firstLine && chance(0.1)) {
      if (!at(t + delay(3 * kHour))) { plans.push(plan); continue; }
      add({ type: 'move', queue: 'Orakel', reason: 'not ours' }, owner || member());
      queue = 'Orakel';
      if (owner && !kQueues.Orakel.members.includes(owner)) owner = null;
    }
    if (chance(0.06)) { plans.push(plan); continue; }  // never answered (yet)
    if (!at(t + delay(2.5 * kHour))) { plans.push(plan); continue; }
    add({ type: 'reply', body: 'Thank you, we are looking at it.' }, owner || member());
    if (chance(0.15)) {
      if (!at(t + delay(kHour))) { plans.push(plan); continue; }
      add({ type: 'comment', body: 'Checked the logs; nothing unusual.' }, owner || member());
    }
    for (let round = 0; round < 2; round += 1) {
      if (chance(0.3)) {
        if (!at(t + delay(6 * kHour))) break;
        const followUp = t + (2 + Math.floor(r() * 9)) * kDay;
        add({ type: 'stall', awaiting: pick(kAwaiting),
              follow_up_at: new Date(followUp).toISOString() }, owner || member());
        // Mostly the requester answers before the follow-up date; sometimes nobody does.
        if (chance(0.8)) {
          if (!at(t + delay(2 * kDay))) break;
          add({ type: 'requester_message', body: 'Here is what you asked for.' }, 'requester');
        } else {
          if (!at(followUp + delay(2 * kDay))) break;
          add({ type: 'open' }, owner || member());
        }
      }
      if (!at(t + delay(20 * kHour))) break;
      add({ type: 'resolve', solution: `Explained ${plan.ticket.description.split(/[,;]/)[0]}; ` +
                                       'the requester confirmed it works.' }, owner || member());
      if (chance(0.9)) {
        const late = chance(0.15);
        if (!at(t + (late ? (3 + r() * 24) * kHour : (5 + r() * 110) * kMinute))) break;
        add({ type: 'feedback_invited' }, 'olga');
        if (chance(0.55)) {
          if (!at(t + delay(10 * kHour))) break;
          const x = r();
          const score = x < 0.42 ? 5 : x < 0.72 ? 4 : x < 0.86 ? 3 : x < 0.95 ? 2 : 1;
          add({ type: 'feedback', score, ...(chance(0.3) ? { comment: 'Quick and clear.' } : {}) },
              'requester');
        }
      }
      if (round === 0 && chance(0.06)) {
        if (!at(t + delay(2 * kDay))) break;
        add({ type: 'reopen', reason: 'the problem came back' }, owner || member());
        if (!at(t + delay(2 * kHour))) break;
        add({ type: 'reply', body: 'We are looking at it again.' }, owner || member());
        continue;
      }
      break;
    }
    plans.push(plan);
  }
  plans.sort((a, b) => a.created - b.created);
  return plans;
}

// Writes the reference data and the planned history; returns {plans, ids} (ids[i] is the id
// of plans[i]). `concurrency` tickets have their actions written at a time.
export async function seed(admin, importer, { tickets = 320, seed: s = 5, concurrency = 8 } = {}) {
  for (const [name, q] of Object.entries(kQueues)) {
    await admin.write('PUT', `/api/v1/queues/${name}`,
                      { members: q.members, first_line: Boolean(q.first_line) });
  }
  for (const [name, info] of Object.entries(kServices)) {
    await admin.write('PUT', `/api/v1/services/${name}`, { title: info.title });
  }
  const plans = planHistory({ tickets, seed: s, end: Date.now() });
  const ids = [];
  // Created in order of creation time, so that ids follow time as in a real desk.
  for (const plan of plans) {
    const created = await importer.write('POST', '/api/v1/tickets', {
      ...plan.ticket, occurred_at: new Date(plan.created).toISOString(),
      actor: plan.ticket.queue === 'Orakel' ? 'olga' : 'intake',
    });
    ids.push(created.id);
  }
  let next = 0;
  const worker = async () => {
    while (next < plans.length) {
      const i = next;
      next += 1;
      for (const action of plans[i].actions) {
        await importer.write('POST', `/api/v1/tickets/${ids[i]}/actions`, action);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { plans, ids };
}
