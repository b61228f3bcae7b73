import type { AuditLatency } from './audit-latency.js';
import type { EventsRound, EventsSettings } from './events.js';
import type { LoadResult } from './load.js';

/** One load run: its result, the server's peak RSS and, for reads, the connections each server process held (most first). */
export type Run = LoadResult & { rssBytes: number; split?: number[] };

/** Everything one bench run measured, per round. */
export interface Measurements {
  /** Read runs by subject (`one`, `oneInfo`, `many`, `betterAuth`) and of the ceilings (`ceiling_one`, `ceiling_many`). */
  me: Record<string, Run[]>;
  /** For each read subject, per round: its ceiling's req/s and p99 (mean of the runs right before and after). */
  meCeilingFor: Record<string, Array<{ rps: number; p99: number }>>;
  login: Record<string, Run[]>;
  register: Record<string, Run[]>;
  scrypt: Array<{ hashesPerSecond: number }>;
  /** For each subject, per round: the ceiling measured around it (mean of the runs before and after). */
  loginCeilingFor: Record<string, number[]>;
  registerCeilingFor: Record<string, number[]>;
  storm: Array<{ logins: LoadResult; reads: LoadResult; eventLoop: { p50: number; p99: number; max: number }; rssBytes: number }>;
  events: EventsRound[];
  /** Login-to-audit rounds in the embedded default (in-process relay). */
  embeddedAudit: AuditLatency[];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const pick = (runs: Run[] | undefined, key: 'rps' | 'p50' | 'p99') => median((runs ?? []).map((r) => r[key]));
/** Ratios are taken round by round (each against the ceiling measured around it), then the median. */
const ratio = (a: number[], b: number[]) => median(a.map((x, i) => x / b[i]!));
const rps = (runs: Run[] | undefined) => (runs ?? []).map((r) => r.rps);
/** Nearest-rank percentile. */
export const percentile = (values: number[], p: number): number => {
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

/** Each run's connections per server process, as `16+16`. */
const splits = (runs: Run[] | undefined) => (runs ?? []).map((r) => (r.split ?? []).join('+'));

/** One read subject against its ceiling, round by round: req/s ratio and p99 ratio. */
const readFigure = (m: Measurements, subject: string, ceiling: string) => {
  const around = m.meCeilingFor[subject] ?? [];
  const runs = m.me[subject];
  return {
    ...speed(runs),
    splits: splits(runs),
    ceiling: { ...speed(m.me[`ceiling_${ceiling}`]), splits: splits(m.me[`ceiling_${ceiling}`]) },
    ratioToCeiling: ratio(
      rps(runs),
      around.map((c) => c.rps),
    ),
    p99ToCeiling: ratio(
      (runs ?? []).map((r) => r.p99),
      around.map((c) => c.p99),
    ),
  };
};

/** Latency percentiles of logins pooled over rounds. */
const auditLatency = (rounds: readonly AuditLatency[]) => {
  const latencies = rounds.flatMap((r) => r.latenciesMs);
  return {
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: percentile(latencies, 100),
    samples: latencies.length,
    failedLogins: rounds.reduce((n, r) => n + r.failed, 0),
    missingRows: rounds.reduce((n, r) => n + r.missing, 0),
  };
};

/** The figures docs/performance.md reports, from the rounds' medians. */
export function summarise(m: Measurements, processes: number, eventsSettings?: EventsSettings) {
  const scrypt = m.scrypt.map((s) => s.hashesPerSecond);
  return {
    processes,
    read: {
      oneProcess: readFigure(m, 'one', 'one'),
      oneProcessInfo: readFigure(m, 'oneInfo', 'one'),
      manyProcesses: readFigure(m, 'many', 'many'),
      betterAuth: readFigure(m, 'betterAuth', 'many'),
      target: 0.75,
      p99Target: 1.5,
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
      readP99MsPerRound: m.storm.map((s) => s.reads.p99),
      readerDelayMaxMs: Math.max(0, ...m.storm.map((s) => s.reads.ownDelayMaxMs ?? 0)),
      readRps: median(m.storm.map((s) => s.reads.rps)),
      targetMs: 10,
    },
    peakRssMiB: {
      authsvc: {
        read: peakMiB(m.me.many ?? m.me.one),
        login: peakMiB(m.login.authsvc),
        register: peakMiB(m.register.authsvc),
        loginStorm: peakMiB(m.storm),
      },
      ceiling: { read: peakMiB(m.me.ceiling_many) },
      betterAuth: { read: peakMiB(m.me.betterAuth), login: peakMiB(m.login.betterAuth), register: peakMiB(m.register.betterAuth) },
    },
    embeddedLoginToAudit: { ...auditLatency(m.embeddedAudit), targetP99Ms: 50 },
    events: summariseEvents(m.events, eventsSettings),
  };
}

/** Relay rate against the producer ceiling around it, round by round; latencies pooled over the rounds. */
function summariseEvents(rounds: EventsRound[], settings: EventsSettings | undefined) {
  return {
    relayEventsPerSecond: median(rounds.map((r) => r.relay.eventsPerSecond)),
    producerCeilingEventsPerSecond: median(rounds.flatMap((r) => r.ceilings.map((c) => c.eventsPerSecond))),
    ratioToCeiling: ratio(
      rounds.map((r) => r.relay.eventsPerSecond),
      rounds.map((r) => (r.ceilings[0]!.eventsPerSecond + r.ceilings[1]!.eventsPerSecond) / 2),
    ),
    auditCatchUpSeconds: median(rounds.map((r) => r.auditCatchUpSeconds)),
    loginToAudit: auditLatency(rounds.map((r) => r.logins)),
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
  const r = s.read;
  const readRow = (label: string, f: typeof r.oneProcess, ceiling: string, target: boolean) =>
    `| ${label} | ${f0(f.rps)}; ${f1(f.p50)} / ${f1(f.p99)} | ${f0(f.ceiling.rps)}; ${f1(f.ceiling.p50)} / ${f1(f.ceiling.p99)} (${ceiling}) | ${pct(f.ratioToCeiling)}; p99 ${x(f.p99ToCeiling)} | ${
      target
        ? `>= ${pct(r.target)} ${met(f.ratioToCeiling >= r.target)}; p99 <= ${x(r.p99Target)} ${met(f.p99ToCeiling <= r.p99Target)}`
        : ''
    } |`;
  const rows = [
    '| Figure | authsvc | Ceiling (same run) | authsvc / ceiling | Target |',
    '| --- | --- | --- | --- | --- |',
    readRow('GET /api/users/me/, 1 process: req/s; p50 / p99 ms', r.oneProcess, 'bare Fastify + pg, 1 process', true),
    readRow('the same at LOG_LEVEL=info', r.oneProcessInfo, 'bare Fastify + pg, 1 process', false),
    readRow(`GET /api/users/me/, ${s.processes} processes`, r.manyProcesses, `bare Fastify + pg, ${s.processes} processes`, true),
    `| Connections per process in each ${s.processes}-process read, as node:cluster split them | ${r.manyProcesses.splits.join(', ')} | ${r.manyProcesses.ceiling.splits.join(', ')} | | |`,
    readRow(
      `better-auth 1.7 get-session, ${s.processes} processes (peer)`,
      r.betterAuth,
      `bare Fastify + pg, ${s.processes} processes`,
      false,
    ),
    `| Login req/s | ${f1(s.login.authsvc.rps)} (better-auth ${f1(s.login.betterAuth.rps)}) | ${f1(s.login.scryptCeiling)} (scrypt hashes/s) | ${pct(s.login.ratioToCeiling)} (better-auth ${pct(s.login.betterAuthRatioToCeiling)}) | >= 90% ${met(s.login.ratioToCeiling >= 0.9)} |`,
    `| Registration req/s | ${f1(s.register.authsvc.rps)} (better-auth ${f1(s.register.betterAuth.rps)}) | ${f1(s.register.scryptCeiling)} (scrypt hashes/s) | ${pct(s.register.ratioToCeiling)} (better-auth ${pct(s.register.betterAuthRatioToCeiling)}) | >= 90% ${met(s.register.ratioToCeiling >= 0.9)} |`,
    `| GET /me/ p99 during a login storm (200 req/s, evenly spaced, beside ${f1(s.loginStorm.loginRps)} logins/s) | ${f1(s.loginStorm.readP99Ms)} ms (rounds ${s.loginStorm.readP99MsPerRound.map(f1).join(' / ')}) | | | < ${s.loginStorm.targetMs} ms ${met(s.loginStorm.readP99Ms < s.loginStorm.targetMs)} |`,
    `| Event-loop delay p99 in the storm | ${f1(s.loginStorm.eventLoopDelayP99Ms)} ms (max ${f1(s.loginStorm.eventLoopDelayMaxMs)}; the reading client's own max ${f1(s.loginStorm.readerDelayMaxMs)}) | | | |`,
    `| Peak RSS (read / login / register / storm) MiB | ${f0(s.peakRssMiB.authsvc.read)} / ${f0(s.peakRssMiB.authsvc.login)} / ${f0(s.peakRssMiB.authsvc.register)} / ${f0(s.peakRssMiB.authsvc.loginStorm)} | ${f0(s.peakRssMiB.ceiling.read)} (read) | | |`,
  ];
  const a = s.embeddedLoginToAudit;
  if (a.samples > 0) {
    rows.push(
      `| Login-to-audit-row p50 / p99 ms, embedded default (20 logins/s, NOTIFY, poll 250 ms fallback) | ${f0(a.p50Ms)} / ${f0(a.p99Ms)} (max ${f0(a.maxMs)}, n=${a.samples}${lost(a)}) | | | p99 < ${a.targetP99Ms} ms ${met(a.p99Ms < a.targetP99Ms)} |`,
    );
  }
  const e = s.events;
  if (e.settings) {
    rows.push(
      `| Login-to-audit-row p50 / p99 ms, Kafka mode on the mock cluster (${e.settings.loginRate} logins/s, NOTIFY, relay poll ${e.settings.relayPollMs} ms fallback, fetch wait ${e.settings.consumerMaxWaitMs} ms) | ${f0(e.loginToAudit.p50Ms)} / ${f0(e.loginToAudit.p99Ms)} (max ${f0(e.loginToAudit.maxMs)}, n=${e.loginToAudit.samples}${lost(e.loginToAudit)}) | | | |`,
      `| Outbox relay events/s (${e.settings.outboxEvents} pre-filled, batches of ${e.settings.relayBatchSize}) | ${f0(e.relayEventsPerSecond)} | ${f0(e.producerCeilingEventsPerSecond)} (kafkajs producer, acks -1, 1 in flight) | ${pct(e.ratioToCeiling)} | |`,
    );
  }
  return rows;
}

/** Prints the table and the machine it ran on. */
export function printTable(results: { machine: Record<string, unknown>; settings: Record<string, unknown>; summary: Summary }): void {
  process.stdout.write(`\nmachine: ${JSON.stringify(results.machine)}\nsettings: ${JSON.stringify(results.settings)}\n\n`);
  process.stdout.write(`${tableRows(results.summary).join('\n')}\n\n`);
}
