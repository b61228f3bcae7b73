/**
 * The ceiling for login and registration: the API's KDF (scrypt-kdf, same parameters) run on
 * libuv's pool with enough calls in flight to keep every thread busy, and nothing else.
 * Prints `{ hashesPerSecond }`. Env: SCRYPT_LOG_N, DURATION_S, UV_THREADPOOL_SIZE.
 */
import { ScryptPasswordHasher } from '@authsvc/adapter-crypto';

const hasher = new ScryptPasswordHasher({ logN: Number(process.env.SCRYPT_LOG_N ?? 15), r: 8, p: 1 });
const durationMs = Number(process.env.DURATION_S ?? 5) * 1000;
const inFlight = 2 * Number(process.env.UV_THREADPOOL_SIZE ?? 4);

await hasher.hash('warm-up');
let done = 0;
const start = performance.now();
const deadline = start + durationMs;
// Counted as autocannon counts the API: what completes inside the window, over the window. A
// hash still running at the deadline is not counted, as a request still in flight is not.
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    while (performance.now() < deadline) {
      await hasher.hash('correct horse battery staple');
      if (performance.now() <= deadline) done++;
    }
  }),
);
const seconds = durationMs / 1000;
process.stdout.write(JSON.stringify({ hashesPerSecond: done / seconds, hashes: done, seconds }));
