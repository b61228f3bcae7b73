import type { AuthService } from '@authsvc/domain';
import type { ApiMetrics, LoginOutcome } from './api-metrics.js';

const outcomeOf: Record<string, LoginOutcome> = {
  invalid_credentials: 'bad_credentials',
  account_disabled: 'disabled',
  throttled: 'throttled',
};

/**
 * The service with its logins counted by outcome. Wrapping the use case, not a route, counts
 * REST and tRPC logins alike (each call of a tRPC batch on its own), the throttle's refusals included.
 */
export function countLoginOutcomes(service: AuthService, metrics: ApiMetrics): AuthService {
  return {
    ...service,
    async login(command, context) {
      const result = await service.login(command, context);
      const outcome = result.ok ? 'success' : outcomeOf[result.error.code];
      if (outcome) metrics.recordLogin(outcome);
      return result;
    },
  };
}
