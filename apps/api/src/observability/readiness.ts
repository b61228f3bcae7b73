/** One thing the service needs to serve, checked by `/readyz`. */
export interface ReadinessCheck {
  /** Names the check in `/readyz`'s body, e.g. `database`. */
  readonly name: string;
  /** True when the dependency is usable; a throw or a hang counts as not. */
  readonly check: () => Promise<boolean>;
}

/** What `/readyz` reports: ready when every check passed, and each check's state. */
export interface Readiness {
  readonly ready: boolean;
  readonly checks: Record<string, 'ok' | 'failing'>;
}

/** Runs every check at once, each bounded by `timeoutMs` so one hung dependency cannot hang the probe. */
export async function checkReadiness(checks: readonly ReadinessCheck[], timeoutMs = 2_000): Promise<Readiness> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      try {
        return [name, await Promise.race([check().catch(() => false), timeout])] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return {
    ready: results.every(([, ok]) => ok),
    checks: Object.fromEntries(results.map(([name, ok]) => [name, ok ? 'ok' : 'failing'])),
  };
}
