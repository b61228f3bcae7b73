/** What pino replaces a redacted value with, so a reader sees that something was there. */
export const REDACTED = '[redacted]';

/**
 * pino `redact` paths for secrets that could reach a log line: credentials in headers, and
 * passwords and tokens in any object logged at the top level or one level down (a body, an error's
 * context). Fastify logs neither headers nor bodies by default; this guards against a future
 * `log.info({ body })` or header dump.
 */
export const secretLogPaths: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  ...['password', 'password1', 'password2', 'key', 'token', 'authorization'].flatMap((field) => [field, `*.${field}`]),
];

/** pino's `redact` option built from {@link secretLogPaths}. */
export const logRedaction = { paths: [...secretLogPaths], censor: REDACTED } as const;
