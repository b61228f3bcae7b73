import { logRedaction, REDACTED } from '@authsvc/observability';
import type { FastifyServerOptions } from 'fastify';
import type { ApiConfig } from '../config.js';
import { redactLinkSecrets } from '../http/account-pages.js';

/** Where log lines go instead of stdout; tests pass one to read what was logged. */
export interface LogDestination {
  write(line: string): void;
}

/** The slice of a request the request log shows. */
interface LoggedRequest {
  readonly method: string;
  readonly url: string;
  readonly ip?: string;
}

/**
 * A request as logged: method, path and client, never the query string, which can carry a
 * password (a tRPC GET's `?input=`) or a token that a careless client put there, nor the secret
 * in an emailed link's path (a reset token, a verification key).
 */
export const serializeRequest = (request: LoggedRequest) => ({
  method: request.method,
  url: redactLinkSecrets(request.url.split('?', 1)[0] ?? '', REDACTED),
  remoteAddress: request.ip,
});

/**
 * Fastify's pino options: JSON lines at LOG_LEVEL, each with the request id (`reqId`), secrets
 * redacted wherever they would appear, and request URLs without their query string.
 */
export function loggerOptions(level: ApiConfig['LOG_LEVEL'], destination?: LogDestination): FastifyServerOptions['logger'] {
  if (level === 'silent') return false;
  return {
    level,
    redact: { paths: [...logRedaction.paths], censor: logRedaction.censor },
    serializers: { req: serializeRequest },
    ...(destination && { stream: destination }),
  };
}
