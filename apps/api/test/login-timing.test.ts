import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { johnDoe, startTestApi, type TestApi } from './support.js';

// A realistic scrypt cost (about 30 ms a hash here), so a path that skipped hashing would stand
// out by tens of milliseconds; throttles stay off (the test support's default).
const SCRYPT_LOG_N = '14';
const WARMUP_ROUNDS = 4;
const ROUNDS = 30;

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ SCRYPT_LOG_N });
  await api.request('POST', '/api/users/registration/', { body: johnDoe });
  await api.request('POST', '/api/users/registration/', { body: { ...johnDoe, email: 'disabled@example.com' } });
  await api.app.service.setUserActive('disabled@example.com', false);
});
afterAll(async () => {
  await api?.stop();
});

const categories = {
  'unknown email': { email: 'nobody@example.com', password: johnDoe.password1 },
  'wrong password': { email: johnDoe.email, password: 'Wrong12345' },
  'disabled account': { email: 'disabled@example.com', password: johnDoe.password1 },
} as const;
type Category = keyof typeof categories;
const names = Object.keys(categories) as Category[];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function timeLogin(category: Category): Promise<number> {
  const started = performance.now();
  const res = await api.request('POST', '/api/users/login/', { body: categories[category] });
  const elapsed = performance.now() - started;
  expect(res.status).toBe(400);
  return elapsed;
}

describe('login timing', () => {
  it('takes the same time for an unknown email, a wrong password and a disabled account', { timeout: 120_000 }, async () => {
    const samples: Record<Category, number[]> = { 'unknown email': [], 'wrong password': [], 'disabled account': [] };
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
      // Each round takes the categories in a new order, so drift and noise fall on all alike.
      const order = [...names].sort(() => Math.random() - 0.5);
      for (const category of order) {
        const elapsed = await timeLogin(category);
        if (round >= WARMUP_ROUNDS) samples[category].push(elapsed);
      }
    }
    const medians = Object.fromEntries(names.map((name) => [name, Number(median(samples[name]).toFixed(2))])) as Record<Category, number>;
    console.info('login medians (ms):', medians);
    const values = Object.values(medians);
    const fastest = Math.min(...values);
    const gap = Math.max(...values) - fastest;
    // A clear gap: more than a fifth of the fastest median and more than 5 ms. Skipping the hash
    // would open one of about 30 ms; scheduling noise on a busy 2-core machine stays well under.
    const allowed = Math.max(5, fastest * 0.2);
    expect(gap, `medians ${JSON.stringify(medians)}`).toBeLessThanOrEqual(allowed);
    // And the hash was really spent on every path: each median is at least one scrypt's worth.
    expect(fastest).toBeGreaterThan(10);
  });
});
