/**
 * Preloaded into the servers under test (`node --import <this file>`): samples event-loop delay
 * with `monitorEventLoopDelay` and, on SIGUSR2, writes what it saw since the last signal to
 * `$BENCH_PROBE_DIR/<pid>.json` and starts afresh. SIGUSR2 because Node keeps SIGUSR1 for its
 * inspector. In a cluster every worker loads it too (`execArgv` is inherited). It also reports the
 * most connections the process held at once: node:cluster pins each connection to the worker it
 * was handed to, so the workers' counts show how a load's connections were split between them.
 */
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** What the probe writes on each SIGUSR2: event-loop delay (ms beyond its resolution) since the last one, and the most connections held. */
export interface ProbeReport {
  readonly pid: number;
  readonly samples: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly peakConnections: number;
}

const dir = process.env.BENCH_PROBE_DIR;
if (dir) {
  // The histogram records the time between timer ticks, so an idle loop reads RESOLUTION_MS:
  // the delay is what lies beyond it.
  const RESOLUTION_MS = 2;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let open = 0;
  let peakConnections = 0;
  subscribe('net.server.socket', (message) => {
    const { socket } = message as { socket: Socket };
    open += 1;
    peakConnections = Math.max(peakConnections, open);
    socket.once('close', () => {
      open -= 1;
    });
  });
  writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify({ pid: process.pid, ready: true }));
  process.on('SIGUSR2', () => {
    const ms = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    const report: ProbeReport = {
      pid: process.pid,
      samples: histogram.count,
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
      peakConnections,
    };
    writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify(report));
    histogram.reset();
    peakConnections = open;
  });
}
