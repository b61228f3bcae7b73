import type { EventOf, EventPayloads, EventType, RequestContext } from './events.js';
import { EVENT_VERSION } from './events.js';
import type { ThrottleSettings } from './throttle-policy.js';
import type {
  AccountCodeRepository,
  Clock,
  IdGenerator,
  PasswordHasher,
  PasswordPolicy,
  ThrottleStore,
  TokenRepository,
  TokenSecrets,
  UnitOfWork,
  UserRepository,
} from './ports/index.js';

/** Policy knobs of the authentication use cases. */
export interface AuthSettings {
  /** Lifetime of a token from the moment it is minted. */
  readonly tokenTtlSeconds: number;
  /** Live tokens kept per user; the oldest are revoked beyond it. Null for no cap. */
  readonly tokenLimitPerUser: number | null;
  /** The throttles of every endpoint a stranger can call. */
  readonly throttle: ThrottleSettings;
  /** How long an emailed password reset link stays valid. */
  readonly passwordResetTimeoutSeconds: number;
  /** How long an emailed verification link stays valid. */
  readonly emailVerificationTimeoutSeconds: number;
  /** Whether a login with the right password is refused until the email is verified. */
  readonly requireEmailVerification: boolean;
}

/** Everything the use cases need from the outside world, injected by a composition root. */
export interface AuthDependencies {
  readonly users: UserRepository;
  readonly tokens: TokenRepository;
  /** One-time codes emailed for password resets and email verification. */
  readonly codes: AccountCodeRepository;
  readonly unitOfWork: UnitOfWork;
  readonly throttles: ThrottleStore;
  readonly hasher: PasswordHasher;
  /** Screens every new password before it is hashed. */
  readonly passwordPolicy: PasswordPolicy;
  readonly secrets: TokenSecrets;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly settings: AuthSettings;
}

/** The longest free text (a user agent) an event carries, so a client cannot bloat every event it causes. */
export const EVENT_TEXT_LIMIT = 512;

/** Caps free text a client sent (a user agent) at `EVENT_TEXT_LIMIT`, wherever it is kept. */
export const capped = (text: string | null): string | null =>
  text && text.length > EVENT_TEXT_LIMIT ? text.slice(0, EVENT_TEXT_LIMIT) : text;

/** Builds an event stamped with a fresh id and the current time; free text in its metadata is capped. */
export function makeEvent<T extends EventType>(
  deps: Pick<AuthDependencies, 'clock' | 'ids'>,
  type: T,
  userId: number | null,
  metadata: RequestContext,
  data: EventPayloads[T],
): EventOf<T> {
  return {
    id: deps.ids.uuid(),
    type,
    version: EVENT_VERSION,
    occurredAt: deps.clock.now(),
    userId,
    metadata: { ...metadata, userAgent: capped(metadata.userAgent) },
    data,
  };
}
