/** Who asked, as far as the transport knows: carried into every event for auditing. */
export interface RequestContext {
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly requestId: string | null;
}

/** A context with nothing known, for internal callers such as the admin CLI. */
export const anonymousContext: RequestContext = { ip: null, userAgent: null, requestId: null };

/** Why a login failed; the reason is recorded, never shown to the caller beyond the contract. */
export type LoginFailureReason = 'bad_credentials' | 'disabled' | 'unverified';

/** The payload of each event type. Never a password, a token or a token digest. */
export interface EventPayloads {
  'user.registered': { email: string; firstName: string; lastName: string };
  'user.logged_in': Record<string, never>;
  'user.login_failed': { email: string; reason: LoginFailureReason };
  'user.logged_out': { allTokens: boolean; revoked: number };
  'token.expired': { expiredAt: string };
  'tokens.purged': { count: number };
  /** A reset was asked for the email: queued for its account (the token lives only in the mail queue), or none has it (no user id). */
  'user.password_reset_requested': { email: string };
  /** A reset token set a new password; every token of the user was revoked. */
  'user.password_reset': { revokedTokens: number };
  /** The user changed the password; every token but the caller's was revoked. */
  'user.password_changed': { revokedTokens: number };
  /** The user proved the address by the emailed key. */
  'user.email_verified': { email: string };
  /** Tokens the user revoked by hand: one by its id, or every other one. */
  'token.revoked': { reason: TokenRevocationReason; tokenIds: string[] };
}

/** Why tokens were revoked by `token.revoked`. */
export type TokenRevocationReason = 'revoked' | 'logout_others';

/** Every event type the service emits. */
export type EventType = keyof EventPayloads;

/** Version of the envelope and payloads; bumped on any breaking change. */
export const EVENT_VERSION = 1;

/** An event of one type as the domain records it; `makeEvent` builds one without a cast. */
export interface EventOf<T extends EventType> {
  readonly id: string;
  readonly type: T;
  readonly version: typeof EVENT_VERSION;
  readonly occurredAt: Date;
  readonly userId: number | null;
  readonly metadata: RequestContext;
  readonly data: EventPayloads[T];
}

/** An event as the domain records it; the outbox stores it and the relay publishes it. */
export type DomainEvent = { [T in EventType]: EventOf<T> }[EventType];
