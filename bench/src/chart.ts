import type { Summary } from './report.js';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A bar chart of the run as SVG, written by hand so no browser or plotting library is needed:
 * each figure's throughput as a share of the ceiling measured in the same run, for authsvc and
 * better-auth, with the target marked.
 */
export function renderChart(results: { when: string; machine: { cores: number; cpu: string }; summary: Summary }): string {
  const s = results.summary;
  const e = s.events;
  const groups: Array<{ label: string; unit: string; ceiling: string; target?: number; ours: [number, number]; peer?: [number, number] }> =
    [
      {
        label: 'GET /api/users/me/, 1 process',
        unit: 'req/s',
        ceiling: `bare Fastify + pg ${s.read.oneProcess.ceiling.rps.toFixed(0)}`,
        target: s.read.target,
        ours: [s.read.oneProcess.ratioToCeiling, s.read.oneProcess.rps],
      },
      {
        label: '... LOG_LEVEL=info',
        unit: 'req/s',
        ceiling: `bare Fastify + pg ${s.read.oneProcessInfo.ceiling.rps.toFixed(0)}`,
        ours: [s.read.oneProcessInfo.ratioToCeiling, s.read.oneProcessInfo.rps],
      },
      {
        label: `GET /api/users/me/, ${s.processes} processes`,
        unit: 'req/s',
        ceiling: `bare Fastify + pg ${s.read.manyProcesses.ceiling.rps.toFixed(0)}`,
        target: s.read.target,
        ours: [s.read.manyProcesses.ratioToCeiling, s.read.manyProcesses.rps],
        peer: [s.read.betterAuth.ratioToCeiling, s.read.betterAuth.rps],
      },
      {
        label: 'Login',
        unit: 'req/s',
        ceiling: `scrypt ${s.login.scryptCeiling.toFixed(1)} hashes/s`,
        target: s.login.target,
        ours: [s.login.ratioToCeiling, s.login.authsvc.rps],
        peer: [s.login.betterAuthRatioToCeiling, s.login.betterAuth.rps],
      },
      {
        label: 'Registration',
        unit: 'req/s',
        ceiling: `scrypt ${s.register.scryptCeiling.toFixed(1)} hashes/s`,
        target: s.register.target,
        ours: [s.register.ratioToCeiling, s.register.authsvc.rps],
        peer: [s.register.betterAuthRatioToCeiling, s.register.betterAuth.rps],
      },
    ];
  // The relay has no peer in better-auth (it has no outbox) and no target: one bar, no line.
  if (e.settings) {
    groups.push({
      label: 'Outbox to Kafka relay',
      unit: 'events/s',
      ceiling: `kafkajs producer ${e.producerCeilingEventsPerSecond.toFixed(0)} events/s`,
      ours: [e.ratioToCeiling, e.relayEventsPerSecond],
    });
  }
  const width = 760;
  const left = 170;
  const barWidth = 480;
  const scale = (r: number) => Math.max(0, Math.min(1.2, Number.isFinite(r) ? r : 0)) * (barWidth / 1.2);
  const rowH = 22;
  const groupH = 2 * rowH + 34;
  const top = 56;
  const height = top + groups.length * groupH + (e.settings ? 88 : 70);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="bold">Throughput as a share of the ceiling measured in the same run</text>`,
    `<text x="12" y="40" fill="#555">${escape(`${results.machine.cores} cores, ${results.machine.cpu}, ${results.when.slice(0, 10)}; medians of the rounds`)}</text>`,
  ];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const tx = left + scale(tick);
    parts.push(`<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${top + groups.length * groupH - 10}" stroke="#ddd"/>`);
    parts.push(`<text x="${tx}" y="${top + groups.length * groupH + 4}" text-anchor="middle" fill="#555">${tick * 100}%</text>`);
  }
  groups.forEach((g, i) => {
    const y = top + i * groupH;
    parts.push(`<text x="12" y="${y + 14}" font-weight="bold">${escape(g.label)}</text>`);
    parts.push(`<text x="12" y="${y + 30}" fill="#555" font-size="11">${escape(`ceiling: ${g.ceiling}`)}</text>`);
    const bars = [
      { name: 'authsvc', color: '#2b6cb0', value: g.ours },
      ...(g.peer ? [{ name: 'better-auth', color: '#a0aec0', value: g.peer }] : []),
    ];
    bars.forEach((bar, j) => {
      const by = y + j * rowH;
      const w = scale(bar.value[0]);
      parts.push(`<rect x="${left}" y="${by}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${bar.color}"/>`);
      const text = `${bar.name} ${(bar.value[0] * 100).toFixed(0)}% (${bar.value[1].toFixed(bar.value[1] < 100 ? 1 : 0)} ${g.unit})`;
      parts.push(`<text x="${left + w + 6}" y="${by + rowH - 10}">${escape(text)}</text>`);
    });
    if (g.target === undefined) return;
    const tx = left + scale(g.target);
    parts.push(`<line x1="${tx}" y1="${y - 3}" x2="${tx}" y2="${y + 2 * rowH}" stroke="#c53030" stroke-width="2" stroke-dasharray="4 2"/>`);
    parts.push(`<text x="${tx + 3}" y="${y - 5}" fill="#c53030" font-size="10">target ${g.target * 100}%</text>`);
  });
  const foot = top + groups.length * groupH + 26;
  const rss = s.peakRssMiB.authsvc;
  parts.push(
    `<text x="12" y="${foot}">${escape(`GET /me/ p99 during a login storm: ${s.loginStorm.readP99Ms.toFixed(1)} ms (target < ${s.loginStorm.targetMs} ms); event-loop delay p99 ${s.loginStorm.eventLoopDelayP99Ms.toFixed(1)} ms`)}</text>`,
    `<text x="12" y="${foot + 18}">${escape(`authsvc peak RSS, MiB: read ${rss.read.toFixed(0)}, login ${rss.login.toFixed(0)}, registration ${rss.register.toFixed(0)}, storm ${rss.loginStorm.toFixed(0)}`)}</text>`,
  );
  if (e.settings) {
    const l = e.loginToAudit;
    const a = s.embeddedLoginToAudit;
    parts.push(
      `<text x="12" y="${foot + 36}">${escape(`Login to audit-log row, ${e.settings.loginRate} logins/s: embedded p50 ${a.p50Ms.toFixed(0)} / p99 ${a.p99Ms.toFixed(0)} ms (target p99 < ${a.targetP99Ms} ms); Kafka mock cluster p50 ${l.p50Ms.toFixed(0)} / p99 ${l.p99Ms.toFixed(0)} ms`)}</text>`,
    );
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
