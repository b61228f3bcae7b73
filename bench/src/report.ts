import type { EventsRound, EventsSettings } from './events.js';
import type { LoadResult } from './load.js';

type Run = LoadResult & { rssBytes: number };

/** Everything one bench run measured, per round. */
export interface Measurements {
  me: Record<string, Run[]>;
  login: Record<string, Run[]>;
  register: Record<string, Run[]>;
  scrypt: Array<{ hashesPerSecond: number }>;
  /** For each subject, per round: the ceiling measured around it (mean of the runs before and after). */
  meCeilingFor: Record<string, number[]>;
  loginCeilingFor: Record<string, number[]>;
  registerCeilingFor: Record<string, number[]>;
  storm: Array<{ logins: LoadResult; reads: LoadResult; eventLoop: { p50: number; p99: number; max: number }; rssBytes: number }>;
  events: EventsRound[];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const pick = (runs: Run[] | undefined, key: keyof LoadResult) => median((runs ?? []).map((r) => r[key]));
/** Ratios are taken round by round (each against the ceiling measured around it), then the median. */
const ratio = (a: number[], b: number[]) => median(a.map((x, i) => x / b[i]!));
const rps = (runs: Run[] | undefined) => (runs ?? []).map((r) => r.rps);
/** Nearest-rank percentile. */
const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const peakMiB = (runs: Array<{ rssBytes: number }> | undefined) => Math.max(0, ...(runs ?? []).map((r) => r.rssBytes)) / 2 ** 20;

/** Medians of a subject's runs: throughput and latency. */
const speed = (runs: Run[] | undefined) => ({ rps: pick(runs, 'rps'), p50: pick(runs, 'p50'), p99: pick(runs, 'p99') });

/** authsvc and better-auth on one load, each against the ceiling measured around it, and against each other. */
const versus = (runs: Record<string, Run[]>, ceilingFor: Record<string, number[]>) => ({
  authsvc: speed(runs.authsvc),
  betterAuth: speed(runs.betterAuth),
  ratioToCeiling: ratio(rps(runs.authsvc), ceilingFor.authsvc ?? []),
  betterAuthRatioToCeiling: ratio(rps(runs.betterAuth), ceilingFor.betterAuth ?? []),
  ratioToBetterAuth: ratio(rps(runs.authsvc), rps(runs.betterAuth)),
});

/** The figures docs/performance.md reports, from the rounds' medians. */
export function summarise(m: Measurements, eventsSettings?: EventsSettings) {
  const scrypt = m.scrypt.map((s) => s.hashesPerSecond);
  return {
    read: {
      ...versus(m.me, m.meCeilingFor),
      ceiling: speed(m.me.ceiling),
      target: 0.6,
    },
    login: {
      ...versus(m.login, m.loginCeilingFor),
      scryptCeiling: median(scrypt),
      target: 0.9,
    },
    register: {
      ...versus(m.register, m.registerCeilingFor),
      scryptCeiling: median(scrypt),
      target: 0.9,
    },
    loginStorm: {
      eventLoopDelayP99Ms: median(m.storm.map((s) => s.eventLoop.p99)),
      eventLoopDelayMaxMs: Math.max(0, ...m.storm.map((s) => s.eventLoop.max)),
      loginRps: median(m.storm.map((s) => s.logins.rps)),
      readP99Ms: median(m.storm.map((s) => s.reads.p99)),
      readRps: median(m.storm.map((s) => s.reads.rps)),
      targetMs: 20,
    },
    peakRssMiB: {
      authsvc: {
        read: peakMiB(m.me.authsvc),
        login: peakMiB(m.login.authsvc),
        register: peakMiB(m.register.authsvc),
        loginStorm: peakMiB(m.storm),
      },
      ceiling: { read: peakMiB(m.me.ceiling) },
      betterAuth: { read: peakMiB(m.me.betterAuth), login: peakMiB(m.login.betterAuth), register: peakMiB(m.register.betterAuth) },
    },
    events: summariseEvents(m.events, eventsSettings),
  };
}

/** Relay rate against the producer ceiling around it, round by round; latencies pooled over the rounds. */
function summariseEvents(rounds: EventsRound[], settings: EventsSettings | undefined) {
  const latencies = rounds.flatMap((r) => r.logins.latenciesMs);
  return {
    relayEventsPerSecond: median(rounds.map((r) => r.relay.eventsPerSecond)),
    producerCeilingEventsPerSecond: median(rounds.flatMap((r) => r.ceilings.map((c) => c.eventsPerSecond))),
    ratioToCeiling: ratio(
      rounds.map((r) => r.relay.eventsPerSecond),
      rounds.map((r) => (r.ceilings[0]!.eventsPerSecond + r.ceilings[1]!.eventsPerSecond) / 2),
    ),
    auditCatchUpSeconds: median(rounds.map((r) => r.auditCatchUpSeconds)),
    loginToAudit: {
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: percentile(latencies, 100),
      samples: latencies.length,
      failedLogins: rounds.reduce((n, r) => n + r.logins.failed, 0),
      missingRows: rounds.reduce((n, r) => n + r.logins.missing, 0),
    },
    settings: settings ?? null,
  };
}

/** The summary of a run, as `summarise` returns it. */
export type Summary = ReturnType<typeof summarise>;

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '-');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const pct = (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(0)}%` : '-');
const x = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : '-');
const lost = (l: { failedLogins: number; missingRows: number }) =>
  l.failedLogins + l.missingRows > 0 ? `; ${l.failedLogins} logins failed, ${l.missingRows} rows never seen` : '';
const met = (ok: boolean) => (ok ? 'met' : 'MISSED');

/** The table docs/performance.md shows, as Markdown rows. */
export function tableRows(s: Summary): string[] {
  const rows = [
    '| Figure | authsvc | Ceiling (same run) | authsvc / ceiling | Target | better-auth | authsvc / better-auth |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| GET /api/users/me/ req/s | ${f0(s.read.authsvc.rps)} | ${f0(s.read.ceiling.rps)} (bare Fastify + pg) | ${pct(s.read.ratioToCeiling)} | >= 60% ${met(s.read.ratioToCeiling >= 0.6)} | ${f0(s.read.betterAuth.rps)} (${pct(s.read.betterAuthRatioToCeiling)}) | ${x(s.read.ratioToBetterAuth)} |`,
    `| GET /api/users/me/ p50 / p99 ms | ${f1(s.read.authsvc.p50)} / ${f1(s.read.authsvc.p99)} | ${f1(s.read.ceiling.p50)} / ${f1(s.read.ceiling.p99)} | | | ${f1(s.read.betterAuth.p50)} / ${f1(s.read.betterAuth.p99)} | |`,
    `| Login req/s | ${f1(s.login.authsvc.rps)} | ${f1(s.login.scryptCeiling)} (scrypt hashes/s) | ${pct(s.login.ratioToCeiling)} | >= 90% ${met(s.login.ratioToCeiling >= 0.9)} | ${f1(s.login.betterAuth.rps)} (${pct(s.login.betterAuthRatioToCeiling)}) | ${x(s.login.ratioToBetterAuth)} |`,
    `| Registration req/s | ${f1(s.register.authsvc.rps)} | ${f1(s.register.scryptCeiling)} (scrypt hashes/s) | ${pct(s.register.ratioToCeiling)} | >= 90% ${met(s.register.ratioToCeiling >= 0.9)} | ${f1(s.register.betterAuth.rps)} (${pct(s.register.betterAuthRatioToCeiling)}) | ${x(s.register.ratioToBetterAuth)} |`,
    `| Event-loop delay p99 in a login storm | ${f1(s.loginStorm.eventLoopDelayP99Ms)} ms (max ${f1(s.loginStorm.eventLoopDelayMaxMs)}) | | | < 20 ms ${met(s.loginStorm.eventLoopDelayP99Ms < 20)} | | |`,
    `| GET /me/ p99 during the storm (200 req/s) | ${f1(s.loginStorm.readP99Ms)} ms | | | | | |`,
    `| Peak RSS (read / login / register / storm) MiB | ${f0(s.peakRssMiB.authsvc.read)} / ${f0(s.peakRssMiB.authsvc.login)} / ${f0(s.peakRssMiB.authsvc.register)} / ${f0(s.peakRssMiB.authsvc.loginStorm)} | ${f0(s.peakRssMiB.ceiling.read)} (read) | | | ${f0(s.peakRssMiB.betterAuth.read)} / ${f0(s.peakRssMiB.betterAuth.login)} / ${f0(s.peakRssMiB.betterAuth.register)} / - | |`,
  ];
  const e = s.events;
  if (e.settings) {
    rows.push(
      `| Outbox relay events/s (${e.settings.outboxEvents} pre-filled, batches of ${e.settings.relayBatchSize}) | ${f0(e.relayEventsPerSecond)} | ${f0(e.producerCeilingEventsPerSecond)} (kafkajs producer, acks -1, 1 in flight) | ${pct(e.ratioToCeiling)} | | | |`,
      `| Login-to-audit-row p50 / p99 ms (${e.settings.loginRate} logins/s, relay poll ${e.settings.relayPollMs} ms, fetch wait ${e.settings.consumerMaxWaitMs} ms) | ${f0(e.loginToAudit.p50Ms)} / ${f0(e.loginToAudit.p99Ms)} (max ${f0(e.loginToAudit.maxMs)}, n=${e.loginToAudit.samples}${lost(e.loginToAudit)}) | | | | | |`,
    );
  }
  return rows;
}

/** Prints the table and the machine it ran on. */
export function printTable(results: { machine: Record<string, unknown>; settings: Record<string, unknown>; summary: Summary }): void {
  process.stdout.write(`\nmachine: ${JSON.stringify(results.machine)}\nsettings: ${JSON.stringify(results.settings)}\n\n`);
  process.stdout.write(`${tableRows(results.summary).join('\n')}\n\n`);
}
