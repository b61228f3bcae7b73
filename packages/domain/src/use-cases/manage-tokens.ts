import type { AuthDependencies } from '../dependencies.js';
import { makeEvent } from '../dependencies.js';
import { domainError, type DomainError } from '../errors.js';
import type { RequestContext } from '../events.js';
import { err, ok, type Result } from '../result.js';
import type { Authenticated } from './authenticate-token.js';

/** One of the caller's live tokens, as they may see it: never its secret or digest. */
export interface TokenView {
  readonly id: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  /** Whether this is the token that made the call. */
  readonly current: boolean;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

/** How many tokens a revocation removed. */
export interface Revocation {
  readonly revoked: number;
}

// Token ids are the UUIDs the service minted; anything else names no token (and is not sent to the database).
const TOKEN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The caller's live tokens, newest first. */
export const listTokens =
  (deps: AuthDependencies) =>
  async (caller: Authenticated): Promise<TokenView[]> => {
    const tokens = await deps.tokens.listLive(caller.user.id, deps.clock.now());
    return tokens.map((token) => ({
      id: token.id,
      createdAt: token.createdAt,
      expiresAt: token.expiresAt,
      current: token.digest === caller.tokenDigest,
      ip: token.ip,
      userAgent: token.userAgent,
    }));
  };

/** Revokes one of the caller's tokens by its id; another user's id is not found, as an unknown one is. */
export const revokeToken =
  (deps: AuthDependencies) =>
  async (
    caller: Authenticated,
    tokenId: string,
    context: RequestContext,
  ): Promise<Result<Revocation, Extract<DomainError, { code: 'not_found' }>>> => {
    if (!TOKEN_ID.test(tokenId)) return err(domainError('not_found'));
    const id = tokenId.toLowerCase();
    const revoked = await deps.unitOfWork.run(async (tx) => {
      if (!(await tx.tokens.deleteById(caller.user.id, id))) return false;
      await tx.outbox.append([makeEvent(deps, 'token.revoked', caller.user.id, context, { reason: 'revoked', tokenIds: [id] })]);
      return true;
    });
    return revoked ? ok({ revoked: 1 }) : err(domainError('not_found'));
  };

/** Revokes every token of the caller but the one that made the call. */
export const logoutOthers =
  (deps: AuthDependencies) =>
  async (caller: Authenticated, context: RequestContext): Promise<Revocation> => {
    const revoked = await deps.unitOfWork.run(async (tx) => {
      const ids = await tx.tokens.deleteOthers(caller.user.id, caller.tokenDigest);
      await tx.outbox.append([makeEvent(deps, 'token.revoked', caller.user.id, context, { reason: 'logout_others', tokenIds: ids })]);
      return ids.length;
    });
    return { revoked };
  };
