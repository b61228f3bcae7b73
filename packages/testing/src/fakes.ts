import { createHash } from 'node:crypto';
import type { Clock, IdGenerator, PasswordCandidate, PasswordFinding, PasswordHasher, PasswordPolicy, TokenSecrets } from '@authsvc/domain';

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  constructor(private current = new Date('2026-01-01T00:00:00.000Z')) {}

  now(): Date {
    return new Date(this.current);
  }

  /** Moves time forward. */
  advance(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

/** Sequential UUID-shaped ids, stable across runs. */
export class SequentialIds implements IdGenerator {
  private next = 0;

  uuid(): string {
    this.next += 1;
    return `00000000-0000-4000-8000-${this.next.toString(16).padStart(12, '0')}`;
  }
}

/**
 * A transparent hasher (`fake$<cost>$<password>`) that counts verifications, so tests can check
 * that every login path spends one, and that weaker hashes are upgraded. It admits work at once,
 * or, between {@link hold} and {@link release}, not at all, so tests see what waits for it.
 */
export class FakePasswordHasher implements PasswordHasher {
  verifications = 0;
  private held: Array<() => void> | undefined;

  constructor(public cost = 2) {}

  async hash(password: string): Promise<string> {
    return `fake$${this.cost}$${password}`;
  }

  async verify(password: string, hash: string | null): Promise<boolean> {
    this.verifications += 1;
    return hash !== null && hash.slice(hash.indexOf('$', 5) + 1) === password;
  }

  needsRehash(hash: string): boolean {
    return !hash.startsWith(`fake$${this.cost}$`);
  }

  async admit<T>(work: () => Promise<T>): Promise<T> {
    const held = this.held;
    if (held) await new Promise<void>((admitted) => held.push(admitted));
    return work();
  }

  /** Keeps work asked to {@link admit} waiting until {@link release}. */
  hold(): void {
    this.held ??= [];
  }

  /** Admits the work held since {@link hold}, and what comes later at once. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const admitted of held) admitted();
  }
}

/** Token secrets from a counter; digests are real SHA-256 so they match production's shape. */
export class SequentialTokenSecrets implements TokenSecrets {
  private next = 0;

  generate(): string {
    this.next += 1;
    return this.next.toString(16).padStart(40, '0');
  }

  digest(secret: string): string {
    return createHash('sha256').update(secret).digest('hex');
  }
}

/**
 * A password policy that knows a fixed list of passwords and their problems (a dictionary or a
 * breach corpus stand-in, or an unreachable service's `unverifiable`); any other password passes.
 */
export class ListedPasswordPolicy implements PasswordPolicy {
  constructor(private readonly listed: Readonly<Record<string, readonly PasswordFinding[]>>) {}

  async screen(candidate: PasswordCandidate): Promise<readonly PasswordFinding[]> {
    return Object.hasOwn(this.listed, candidate.password) ? this.listed[candidate.password]! : [];
  }
}
