/** A wait that `wake()` or `stop()` cut short, so a stopping loop never sits out its poll interval. */
export class AbortableWait {
  private timer: NodeJS.Timeout | undefined;
  private resolve: (() => void) | undefined;

  /** Resolves after `ms`, or at once when woken. */
  wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(() => this.wake(), ms);
    });
  }

  /** Ends the current wait, if any. */
  wake(): void {
    clearTimeout(this.timer);
    const resolve = this.resolve;
    this.resolve = undefined;
    resolve?.();
  }
}

/** Exponential backoff: `initialMs` after the first failure, doubled after each further one, at most `maxMs`. */
export function backoffDelay(failures: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, failures - 1));
}
