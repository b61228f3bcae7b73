import type { AuthClientError, AuthClientResult } from '../src/index.js';

/** The error of a result that must have failed; throws, naming the status, when it succeeded. */
export function errorOf<T>(result: AuthClientResult<T>): AuthClientError {
  if (result.ok) throw new Error(`expected a failure, got ${result.status}`);
  return result.error;
}
