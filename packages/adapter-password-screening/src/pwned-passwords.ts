import { createHash } from 'node:crypto';
import type { PasswordCandidate, PasswordFinding, PasswordPolicy } from '@authsvc/domain';
import { LRUCache } from 'lru-cache';

/** Every reason a range lookup can fail for: no answer in time, none at all, an HTTP error, an unreadable body. */
export const pwnedPasswordsFailures = ['timeout', 'network', 'status', 'malformed'] as const;

/** Why a range lookup failed. */
export type PwnedPasswordsFailure = (typeof pwnedPasswordsFailures)[number];

/** The range API gave no usable answer. */
export class PwnedPasswordsUnavailableError extends Error {
  override readonly name = 'PwnedPasswordsUnavailableError';

  constructor(
    readonly reason: PwnedPasswordsFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** How the breach check reaches the range API and what it does when it cannot. */
export interface PwnedPasswordsOptions {
  /** The API's base URL; ranges are read from `<baseUrl>/range/<first 5 hex of the SHA-1>`. */
  readonly baseUrl: string;
  /** How long one lookup may take, the body included. */
  readonly timeoutMs: number;
  /** When the API does not answer: `allow` the password, or `deny` it as unverifiable. */
  readonly onError: 'allow' | 'deny';
  /** Told of every failed lookup, for logs and metrics. */
  readonly onUnavailable?: (error: PwnedPasswordsUnavailableError) => void;
  /** Ranges kept, least recently used dropped first (a range is about 35 kB of text). */
  readonly cacheSize?: number;
  /** How long a range is kept; the corpus changes slowly. */
  readonly cacheTtlMs?: number;
}

// One line of a range: the other 35 hex digits of a SHA-1, and how often it was seen (0 for padding).
const RANGE_LINE = /^[0-9A-F]{35}:\d+$/;

/** Reads a range body into suffix -> count, keeping only suffixes seen in breaches (padding has count 0). */
function parseRange(body: string): ReadonlyMap<string, number> {
  const seen = new Map<string, number>();
  for (const raw of body.split('\n')) {
    const line = raw.trim().toUpperCase();
    if (line === '') continue;
    if (!RANGE_LINE.test(line))
      throw new PwnedPasswordsUnavailableError('malformed', 'the range API answered a line that is not SUFFIX:COUNT');
    const count = Number(line.slice(36));
    if (count > 0) seen.set(line.slice(0, 35), count);
  }
  return seen;
}

const classify = (error: unknown): PwnedPasswordsUnavailableError => {
  if (error instanceof PwnedPasswordsUnavailableError) return error;
  const name = error instanceof Error ? error.name : '';
  return name === 'TimeoutError' || name === 'AbortError'
    ? new PwnedPasswordsUnavailableError('timeout', 'the range API did not answer in time', { cause: error })
    : new PwnedPasswordsUnavailableError('network', 'the range API could not be reached', { cause: error });
};

/**
 * Refuses passwords seen in breaches, asking Have I Been Pwned's Pwned Passwords range API with
 * k-anonymity: only the first 5 hex digits of the password's SHA-1 leave the process, and the
 * `Add-Padding` header pads every answer to a similar size, so neither the password nor which
 * suffix was wanted can be told from the traffic. Ranges are cached briefly; concurrent lookups of
 * one range share a request.
 */
export class PwnedPasswordsPolicy implements PasswordPolicy {
  private readonly ranges: LRUCache<string, ReadonlyMap<string, number>>;
  private readonly rangeUrl: URL;

  constructor(private readonly options: PwnedPasswordsOptions) {
    this.rangeUrl = new URL('range/', options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.ranges = new LRUCache({
      max: options.cacheSize ?? 64,
      ttl: options.cacheTtlMs ?? 10 * 60_000,
      fetchMethod: (prefix, _stale, { signal }) => this.fetchRange(prefix, signal),
    });
  }

  async screen({ password }: PasswordCandidate): Promise<readonly PasswordFinding[]> {
    const digest = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
    try {
      const range = await this.ranges.fetch(digest.slice(0, 5));
      if (!range) throw new PwnedPasswordsUnavailableError('network', 'the range lookup was abandoned');
      return range.has(digest.slice(5)) ? [{ kind: 'breached' }] : [];
    } catch (error) {
      this.options.onUnavailable?.(classify(error));
      return this.options.onError === 'deny' ? [{ kind: 'unverifiable' }] : [];
    }
  }

  private async fetchRange(prefix: string, evicted: AbortSignal): Promise<ReadonlyMap<string, number>> {
    const response = await fetch(new URL(prefix, this.rangeUrl), {
      headers: { 'Add-Padding': 'true', 'User-Agent': 'authsvc' },
      signal: AbortSignal.any([evicted, AbortSignal.timeout(this.options.timeoutMs)]),
    });
    // Read either way (under the same timeout), so the connection is released.
    const body = await response.text();
    if (!response.ok) throw new PwnedPasswordsUnavailableError('status', `the range API answered HTTP ${response.status}`);
    return parseRange(body);
  }
}
