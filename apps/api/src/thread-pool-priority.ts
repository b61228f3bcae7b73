import { getPriority, setPriority } from 'node:os';

/*
 * During a login storm the scrypt threads of libuv's pool keep both cores busy; at the same
 * priority as the event loop they delay the cheap requests. Linux's nice value is per thread and
 * a new thread (or process) inherits its creator's, and a worker's pool is created while its
 * modules load: so the cluster primary forks each worker at a lower priority, and the worker's
 * event loop thread then takes the normal priority back, leaving its pool below it.
 */

/** Runs `start` (a fork) with this thread's priority lowered by `niceness`, then restores it where allowed. */
export function forkAtLowerPriority<T>(niceness: number, start: () => T): T {
  const original = getPriority(0);
  setPriority(0, Math.min(19, original + niceness));
  try {
    return start();
  } finally {
    restorePriority(original);
  }
}

/**
 * Raises the calling (event loop) thread back by `niceness`. Raising needs root or CAP_SYS_NICE;
 * without it the worker simply keeps one priority for all its threads. Returns whether it could.
 */
export function raiseEventLoopPriority(niceness: number): boolean {
  return restorePriority(Math.max(-20, getPriority(0) - niceness));
}

function restorePriority(priority: number): boolean {
  try {
    setPriority(0, priority);
    return true;
  } catch {
    return false;
  }
}
