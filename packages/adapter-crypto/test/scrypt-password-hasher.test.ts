import { pbkdf2 } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CryptoTokenSecrets, defaultHashConcurrency, libuvThreadPoolSize, ScryptPasswordHasher } from '../src/index.js';

// Cheap parameters keep the suite fast; the behaviour does not depend on the cost.
const fast = { logN: 10, r: 8, p: 1 };

describe('ScryptPasswordHasher', () => {
  const hasher = new ScryptPasswordHasher(fast);

  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hasher.hash('Password123');
    expect(await hasher.verify('Password123', hash)).toBe(true);
    expect(await hasher.verify('Password124', hash)).toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    expect(await hasher.hash('Password123')).not.toBe(await hasher.hash('Password123'));
  });

  it('returns false for an unknown account (null hash) and for a corrupt hash', async () => {
    expect(await hasher.verify('Password123', null)).toBe(false);
    expect(await hasher.verify('Password123', 'not-a-hash')).toBe(false);
  });

  it('normalises passwords with NFKC', async () => {
    const hash = await hasher.hash('ﬁnance2024');
    expect(await hasher.verify('finance2024', hash)).toBe(true);
  });

  it('asks for a rehash when the parameters changed', async () => {
    const weak = await new ScryptPasswordHasher({ logN: 9, r: 8, p: 1 }).hash('Password123');
    expect(hasher.needsRehash(weak)).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('Password123'))).toBe(false);
    expect(await hasher.verify('Password123', weak)).toBe(true);
  });
});

describe('CryptoTokenSecrets', () => {
  const secrets = new CryptoTokenSecrets();

  it('mints 40 lowercase hex characters, all different', () => {
    const minted = new Set(Array.from({ length: 1000 }, () => secrets.generate()));
    expect(minted.size).toBe(1000);
    for (const s of minted) expect(s).toMatch(/^[0-9a-f]{40}$/);
  });

  it('digests with SHA-256 hex', () => {
    expect(secrets.digest('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('defaultHashConcurrency', () => {
  it('keeps every core hashing across the processes, and no more', () => {
    expect(defaultHashConcurrency({ processes: 2, cores: 2, poolSize: 4 })).toBe(1);
    expect(defaultHashConcurrency({ processes: 1, cores: 2, poolSize: 4 })).toBe(2);
    expect(defaultHashConcurrency({ processes: 3, cores: 8, poolSize: 8 })).toBe(3);
    expect(defaultHashConcurrency({ processes: 4, cores: 2, poolSize: 4 })).toBe(1);
  });

  it('leaves one thread of libuv’s pool free', () => {
    expect(defaultHashConcurrency({ processes: 1, cores: 16, poolSize: 4 })).toBe(3);
    expect(defaultHashConcurrency({ processes: 1, cores: 16, poolSize: 1 })).toBe(1);
  });
});

describe('ScryptPasswordHasher with a concurrency', () => {
  it('leaves libuv’s pool a thread for other work while hashes queue', { timeout: 60_000 }, async () => {
    const hasher = new ScryptPasswordHasher({ logN: 15, r: 8, p: 1 }, { concurrency: defaultHashConcurrency({ processes: 1, cores: 64 }) });
    const alone = performance.now();
    await hasher.hash('Password123');
    const oneHashMs = performance.now() - alone;
    // Twice as many hashes as the pool has threads: without a limit they would all be queued on it,
    // and so would anything else asked of the pool until one of them finished.
    const hashes = Array.from({ length: 2 * libuvThreadPoolSize() }, () => hasher.hash('Password123'));
    await sleep(20);
    // Work of the pool's that is not hashing, as pg's SCRAM handshake is (WebCrypto's PBKDF2).
    const asked = performance.now();
    await new Promise<void>((resolve, reject) =>
      pbkdf2('password', 'salt', 1, 32, 'sha256', (error) => (error ? reject(error) : resolve())),
    );
    const waitedMs = performance.now() - asked;
    // It found a free thread: waiting for a hash to finish would take most of a hash's time.
    expect(waitedMs).toBeLessThan(oneHashMs / 2);
    await Promise.all(hashes);
  });

  it('admits twice as many callers as it hashes at once, the next as one finishes', async () => {
    const hasher = new ScryptPasswordHasher(fast, { concurrency: 2 });
    const started: number[] = [];
    const finish: Array<() => void> = [];
    const works = [0, 1, 2, 3, 4].map((i) =>
      hasher.admit(async () => {
        started.push(i);
        await new Promise<void>((resolve) => finish.push(resolve));
        return i;
      }),
    );
    await sleep(10);
    expect(started).toEqual([0, 1, 2, 3]);
    finish[0]!();
    await sleep(10);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    for (const done of finish) done();
    expect(await Promise.all(works)).toEqual([0, 1, 2, 3, 4]);
  });

  it('still verifies what it hashed, through the same queue', async () => {
    const hasher = new ScryptPasswordHasher(fast, { concurrency: 1 });
    const hashes = await Promise.all(['a-Password-1', 'b-Password-2'].map((p) => hasher.hash(p)));
    expect(await Promise.all([hasher.verify('a-Password-1', hashes[0]!), hasher.verify('b-Password-2', hashes[0]!)])).toEqual([
      true,
      false,
    ]);
  });
});
