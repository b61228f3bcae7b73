import type { AuthDependencies } from '../dependencies.js';
import { makeEvent } from '../dependencies.js';
import { domainError, type DomainError } from '../errors.js';
import type { RequestContext } from '../events.js';
import { err, ok, type Result } from '../result.js';
import { isExpired } from '../token.js';
import type { TokenHolder } from '../user.js';

/** The caller behind a valid token. */
export interface Authenticated {
  readonly user: TokenHolder;
  readonly tokenDigest: string;
}

/** Failures of token authentication, as DRF's TokenAuthentication reports them. */
export type AuthenticationError = Extract<DomainError, { code: 'token_invalid' | 'token_expired' | 'user_inactive' }>;

/**
 * Resolves a presented token to its user in one lookup. An expired token is deleted on the spot
 * (with its event), so its next use is simply unknown.
 */
export const authenticateToken =
  (deps: AuthDependencies) =>
  async (secret: string, context: RequestContext): Promise<Result<Authenticated, AuthenticationError>> => {
    const digest = deps.secrets.digest(secret);
    const found = await deps.tokens.findWithUser(digest);
    if (!found) return err(domainError('token_invalid'));

    const now = deps.clock.now();
    if (isExpired(found.token, now)) {
      await deps.unitOfWork.run(async (tx) => {
        // A concurrent request may have deleted it first: record the expiry once.
        if (await tx.tokens.delete(digest)) {
          await tx.outbox.append([
            makeEvent(deps, 'token.expired', found.user.id, context, {
              expiredAt: found.token.expiresAt.toISOString(),
            }),
          ]);
        }
      });
      return err(domainError('token_expired'));
    }
    if (!found.user.isActive) return err(domainError('user_inactive'));
    return ok({ user: found.user, tokenDigest: digest });
  };
