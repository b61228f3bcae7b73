import type { DomainError } from './errors.js';
import { ok, type Result } from './result.js';

/** A failure of the contract's validation. */
export type InvalidInput = Extract<DomainError, { code: 'invalid_input' }>;

/** A command refused by the contract's validation, with the fields of it that were valid themselves. */
export interface InvalidCommand<T> extends InvalidInput {
  readonly readable?: Partial<T>;
}

/**
 * A command the transport has not validated yet: the use case runs the check itself, after the
 * throttles that DRF applies before validation, so even a malformed request is counted.
 */
export type Unchecked<T> = () => Result<T, InvalidCommand<T>>;

/** A command, already valid or still to be checked by the use case. */
export type CommandInput<T> = T | Unchecked<T>;

/** Runs the check of an unchecked command; a valid one passes through. */
export const checkInput = <T extends object>(input: CommandInput<T>): Result<T, InvalidCommand<T>> =>
  typeof input === 'function' ? input() : ok(input);
