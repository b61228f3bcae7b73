import type { AuthDependencies } from '../dependencies.js';
import { makeEvent } from '../dependencies.js';
import { anonymousContext } from '../events.js';

/**
 * Deletes expired tokens in batches of at most `batchSize`, each batch in one transaction with a
 * `tokens.purged` event per affected user. Returns how many tokens were deleted in all.
 */
export const purgeExpiredTokens =
  // Only what it uses, so a worker can run it without a password hasher or token secrets.
  (deps: Pick<AuthDependencies, 'unitOfWork' | 'clock' | 'ids'>) =>
    async (batchSize: number, maxBatches = Number.POSITIVE_INFINITY): Promise<number> => {
      let total = 0;
      for (let batch = 0; batch < maxBatches; batch++) {
        const deleted = await deps.unitOfWork.run(async (tx) => {
          const owners = await tx.tokens.deleteExpired(deps.clock.now(), batchSize);
          const perUser = new Map<number, number>();
          for (const userId of owners) perUser.set(userId, (perUser.get(userId) ?? 0) + 1);
          if (perUser.size > 0) {
            await tx.outbox.append(
              [...perUser].map(([userId, count]) => makeEvent(deps, 'tokens.purged', userId, anonymousContext, { count })),
            );
          }
          return owners.length;
        });
        total += deleted;
        if (deleted < batchSize) break;
      }
      return total;
    };
