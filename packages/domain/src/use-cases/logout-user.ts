import type { AuthDependencies } from '../dependencies.js';
import { makeEvent } from '../dependencies.js';
import type { RequestContext } from '../events.js';
import { ok, type Result } from '../result.js';
import type { Authenticated } from './authenticate-token.js';

/** How many tokens a logout revoked. */
export interface LogoutOutcome {
  readonly revoked: number;
}

/** Revokes the presented token, or with `allTokens` every token of the caller. */
export const logoutUser =
  (deps: AuthDependencies) =>
  async (
    caller: Authenticated,
    context: RequestContext,
    options: { readonly allTokens: boolean } = { allTokens: false },
  ): Promise<Result<LogoutOutcome, never>> => {
    const revoked = await deps.unitOfWork.run(async (tx) => {
      const count = options.allTokens
        ? await tx.tokens.deleteAllForUser(caller.user.id)
        : Number(await tx.tokens.delete(caller.tokenDigest));
      await tx.outbox.append([
        makeEvent(deps, 'user.logged_out', caller.user.id, context, { allTokens: options.allTokens, revoked: count }),
      ]);
      return count;
    });
    return ok({ revoked });
  };
