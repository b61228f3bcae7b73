/**
 * Login-to-audit latency: logins at a fixed rate, each timed from its response to its row in
 * `audit_log` (polled every 10 ms). Shared by the embedded figure (the API relays in-process)
 * and the Kafka one (relay worker, broker, audit consumer).
 */
import type pg from 'pg';
import { PASSWORD } from './seed.js';

/** What one timed run saw. */
export interface AuditLatency {
  readonly sent: number;
  readonly failed: number;
  /** Logins answered 200 whose row never showed up within the wait. */
  readonly missing: number;
  readonly latenciesMs: number[];
}

/** Where the logins go and who logs in. */
export interface AuditLatencyTarget {
  /** A connection to the API's database, to read `audit_log`. */
  readonly db: pg.Client;
  readonly apiBase: string;
  readonly emails: readonly string[];
  /** User id of each email, to match rows to logins. */
  readonly ids: ReadonlyMap<string, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// Bounded so a stuck pipeline fails the run instead of hanging it.
const AUDIT_ROW_TIMEOUT_MS = 30_000;

/** Cycles through the target's accounts, one login each, so every login has a user of its own while the seed lasts. */
export function auditLatencyTimer(target: AuditLatencyTarget): (durationS: number, rate: number) => Promise<AuditLatency> {
  let nextUser = 0;
  return async (durationS, rate) => {
    const { db, apiBase, emails, ids } = target;
    const { rows } = await db.query<{ seq: string | null }>('select max(seq)::text as seq from audit_log');
    let lastSeq = rows[0]!.seq ?? '0';
    interface Login {
      readonly userId: number;
      respondedAt?: number;
      appearedAt?: number;
      failed?: boolean;
    }
    const logins: Login[] = [];
    const pendingByUser = new Map<number, Login[]>();
    let sending = true;
    // Every 10 ms, the rows added since the last look; a row is matched with its user's oldest unmatched login.
    const poller = (async () => {
      let deadline = Infinity;
      while (true) {
        const fresh = await db.query<{ seq: string; user_id: number }>(
          `select seq::text, user_id from audit_log where seq > $1 and type = 'user.logged_in' order by seq`,
          [lastSeq],
        );
        const at = performance.now();
        for (const row of fresh.rows) {
          lastSeq = row.seq;
          const login = pendingByUser.get(row.user_id)?.shift();
          if (login) login.appearedAt = at;
        }
        const waiting = logins.some((l) => !l.failed && l.appearedAt === undefined);
        if (!sending && !waiting) return;
        if (!sending && deadline === Infinity) deadline = at + AUDIT_ROW_TIMEOUT_MS;
        if (at > deadline) return;
        await sleep(10);
      }
    })();
    // Awaited below; marked handled now so a failed query cannot crash the run while logins are under way.
    poller.catch(() => undefined);

    const intervalMs = 1000 / rate;
    const total = Math.max(1, Math.round(durationS * rate));
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const wait = started + i * intervalMs - performance.now();
      if (wait > 0) await sleep(wait);
      const email = emails[nextUser++ % emails.length]!;
      const login: Login = { userId: ids.get(email)! };
      logins.push(login);
      const queue = pendingByUser.get(login.userId) ?? [];
      queue.push(login);
      pendingByUser.set(login.userId, queue);
      inFlight.push(
        fetch(`${apiBase}/api/users/login/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: PASSWORD }),
          signal: AbortSignal.timeout(10_000),
        }).then(
          async (response) => {
            login.respondedAt = performance.now();
            await response.arrayBuffer();
            if (!response.ok) login.failed = true;
          },
          () => {
            login.failed = true;
          },
        ),
      );
    }
    await Promise.all(inFlight);
    sending = false;
    await poller;
    const ok = logins.filter((l) => !l.failed);
    // A row seen before its response arrived (the relay was that quick) counts as no wait.
    const latenciesMs = ok.filter((l) => l.appearedAt !== undefined).map((l) => Math.max(0, l.appearedAt! - l.respondedAt!));
    return { sent: logins.length, failed: logins.length - ok.length, missing: ok.length - latenciesMs.length, latenciesMs };
  };
}
