/**
 * Thrown when the embedded server cannot start for a reason its settings can fix: a taken port,
 * a data directory this user cannot write, a failed initdb. `setting` says which one to change.
 */
export class EmbeddedPostgresSetupError extends Error {
  override readonly name = 'EmbeddedPostgresSetupError';

  constructor(
    /** The option to change: the data directory or the port. */
    readonly setting: 'dataDir' | 'port',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
