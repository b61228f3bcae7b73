/*
 * Preloaded (`node --require`) into each cluster worker: lowers the priority of libuv's pool,
 * where scrypt runs, so that during a login storm the event loop, V8's garbage-collector helpers
 * and PostgreSQL win the cores and cheap requests stay fast.
 *
 * Only the pool's threads: Linux's nice value is per thread and a thread inherits its creator's.
 * Niced as a whole, a worker's V8 helpers would sit below the hashing too, and a parallel
 * scavenge, which the event loop waits for, took 60 ms in a storm. The pool starts all its
 * threads at once, on the first work queued, and nothing has queued any yet when a `--require`
 * preload runs (Node 20's ES module loader does, later): so the threads that appear when this
 * module queues a `stat` are the pool. Raising niceness needs no privilege.
 *
 * Niceness orders only this process's threads. PostgreSQL's backends and the clients are
 * scheduling groups of their own, weighed against the whole process while it hashes; with
 * HASHING_CGROUP the pool moves into a cgroup of the operator's (one with cpu.idle set), which
 * every other group's wake-up goes before (docs/performance.md, round 8).
 */
import fs = require('node:fs');
import os = require('node:os');

const niceness = Number(process.env.THREADPOOL_NICENESS ?? 0);
// The primary checked HASHING_CGROUP and passes the file of it that takes thread ids.
const cgroupThreads = process.env.HASHING_THREADS_FILE;

/** This process's thread ids (Linux); none where /proc is missing. */
function threadIds(): string[] {
  try {
    return fs.readdirSync('/proc/self/task');
  } catch {
    return [];
  }
}

if (niceness > 0 || cgroupThreads) {
  const before = new Set(threadIds());
  fs.stat(__filename, () => undefined);
  for (const tid of threadIds()) {
    if (before.has(tid)) continue;
    if (niceness > 0) {
      try {
        os.setPriority(Number(tid), Math.min(19, os.getPriority(Number(tid)) + niceness));
      } catch {
        // The thread is gone, or the system refuses: the pool keeps the event loop's priority.
      }
    }
    if (cgroupThreads) {
      try {
        // A cgroup takes one thread id per write.
        fs.writeFileSync(cgroupThreads, tid, { flag: 'a' });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        console.error(
          `authsvc worker ${process.pid}: HASHING_CGROUP: thread ${tid} could not join ${cgroupThreads} (${code}); it hashes where it was`,
        );
      }
    }
  }
}
