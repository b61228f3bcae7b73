import { availableParallelism } from 'node:os';
import type { PasswordHasher } from '@authsvc/domain';
import pLimit from 'p-limit';
import * as scryptKdf from 'scrypt-kdf';

// scrypt-kdf's typings declare named exports, but the module only has a default export (a class
// of static methods): take the default when there is one, so Node and Vitest both find them.
const { kdf, verify, viewParams } = (scryptKdf as unknown as { default?: typeof scryptKdf }).default ?? scryptKdf;

/** scrypt cost parameters: N = 2^logN, block size r, parallelism p. */
export interface ScryptParams {
  readonly logN: number;
  readonly r: number;
  readonly p: number;
}

/** OWASP's minimum for scrypt is logN=17 at r=8; 15 keeps a 2-core machine near 30 logins/s. */
export const defaultScryptParams: ScryptParams = { logN: 15, r: 8, p: 1 };

/** Passwords longer than this are refused before hashing, so a huge body cannot burn CPU. */
export const MAX_PASSWORD_LENGTH = 1024;

/** The size of libuv's thread pool, where scrypt runs: UV_THREADPOOL_SIZE, or libuv's default of 4. */
export function libuvThreadPoolSize(): number {
  const size = Number(process.env.UV_THREADPOOL_SIZE);
  return Number.isInteger(size) && size > 0 ? Math.min(size, 1024) : 4;
}

/** What {@link defaultHashConcurrency} sizes for; cores and pool default to this machine's and this process's. */
export interface HashConcurrencyInputs {
  /** Processes of the service hashing side by side (WEB_CONCURRENCY). */
  readonly processes: number;
  readonly cores?: number;
  readonly poolSize?: number;
}

/**
 * How many hashes a process runs at once by default: enough for all the processes together to
 * keep every core hashing (cores / processes, rounded up), and no more. scrypt is bound by CPU and
 * memory, so another thread per core adds no logins a second, only 32 MiB and one more thread
 * for the scheduler to weigh against the event loop, V8's collector and PostgreSQL: with three
 * a process instead of one, reads beside a login storm waited longer (p90 5 ms against 3.5 on
 * 2 cores, the same logins a second). Never more than one fewer than libuv's pool, so a thread
 * stays free for the rest of the pool's work: a storm otherwise queues everything behind seconds
 * of hashing, and `pg`'s SCRAM handshake (WebCrypto, on the pool) timed new connections out.
 */
export function defaultHashConcurrency({
  processes,
  cores = availableParallelism(),
  poolSize = libuvThreadPoolSize(),
}: HashConcurrencyInputs): number {
  return Math.max(1, Math.min(poolSize - 1, Math.ceil(cores / processes)));
}

/** Options of {@link ScryptPasswordHasher}. */
export interface ScryptHasherOptions {
  /** Hashes run at once; more wait their turn. Unlimited when absent. */
  readonly concurrency?: number;
}

type Runner = <T>(work: () => Promise<T>) => Promise<T>;

/** Runs at most `concurrency` works at once, the rest in order as they finish; all at once when undefined. */
function limited(concurrency: number | undefined): Runner {
  if (concurrency === undefined) return (work) => work();
  const limit = pLimit(concurrency);
  return (work) => limit(work);
}

const encode = (key: Uint8Array) => Buffer.from(key).toString('base64');
const decode = (hash: string) => new Uint8Array(Buffer.from(hash, 'base64'));

/**
 * Password hashing with scrypt-kdf: self-describing hashes (parameters and salt inside, stored as
 * base64), computed on libuv's thread pool so the event loop stays free. Passwords are NFKC
 * normalised first, so the same password typed on another keyboard layout still matches.
 */
export class ScryptPasswordHasher implements PasswordHasher {
  private dummyHash: Promise<string> | undefined;
  private readonly run: Runner;
  /**
   * Twice the hashes run at once: as one finishes, another caller has its lookups done and takes
   * the thread, so the limit costs no hashes a second. In a login storm (2 cores, 32 logins at
   * once) reads beside it stopped waiting 15 to 56 ms behind the first moment's lookups.
   */
  readonly admit: Runner;

  constructor(
    private readonly params: ScryptParams = defaultScryptParams,
    options: ScryptHasherOptions = {},
  ) {
    this.run = limited(options.concurrency);
    this.admit = limited(options.concurrency === undefined ? undefined : 2 * options.concurrency);
  }

  async hash(password: string): Promise<string> {
    const normalized = password.normalize('NFKC');
    return encode(await this.run(() => kdf(normalized, this.params)));
  }

  async verify(password: string, hash: string | null): Promise<boolean> {
    // An unknown account is checked against a hash of the current cost, so it takes as long.
    this.dummyHash ??= this.hash('dummy password for unknown accounts');
    const stored = hash ?? (await this.dummyHash);
    const matches = await this.verifyKey(stored, password.normalize('NFKC'));
    return hash !== null && matches;
  }

  needsRehash(hash: string): boolean {
    try {
      const used = viewParams(decode(hash));
      return used.logN !== this.params.logN || used.r !== this.params.r || used.p !== this.params.p;
    } catch {
      return true;
    }
  }

  private async verifyKey(hash: string, password: string): Promise<boolean> {
    try {
      const key = decode(hash);
      return await this.run(() => verify(key, password));
    } catch {
      // A corrupt stored hash must read as a failed login, not a server error.
      return false;
    }
  }
}
