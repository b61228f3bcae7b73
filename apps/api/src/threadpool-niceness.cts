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
 */
import fs = require('node:fs');
import os = require('node:os');

const niceness = Number(process.env.THREADPOOL_NICENESS ?? 0);

/** This process's thread ids (Linux); none where /proc is missing. */
function threadIds(): string[] {
  try {
    return fs.readdirSync('/proc/self/task');
  } catch {
    return [];
  }
}

if (niceness > 0) {
  const before = new Set(threadIds());
  fs.stat(__filename, () => undefined);
  for (const tid of threadIds()) {
    if (before.has(tid)) continue;
    try {
      os.setPriority(Number(tid), Math.min(19, os.getPriority(Number(tid)) + niceness));
    } catch {
      // The thread is gone, or the system refuses: the pool keeps the event loop's priority.
    }
  }
}
