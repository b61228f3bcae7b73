import type { DomainEvent, EventPayloads, EventType, RequestContext } from './events.js';
import { EVENT_VERSION } from './events.js';
import type {
  Clock,
  IdGenerator,
  PasswordHasher,
  PasswordPolicy,
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
}

/** Everything the use cases need from the outside world, injected by a composition root. */
export interface AuthDependencies {
  readonly users: UserRepository;
  readonly tokens: TokenRepository;
  readonly unitOfWork: UnitOfWork;
  readonly hasher: PasswordHasher;
  /** Screens every new password before it is hashed. */
  readonly passwordPolicy: PasswordPolicy;
  readonly secrets: TokenSecrets;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly settings: AuthSettings;
}

/** Builds an event stamped with a fresh id and the current time. */
export function makeEvent<T extends EventType>(
  deps: Pick<AuthDependencies, 'clock' | 'ids'>,
  type: T,
  userId: number | null,
  metadata: RequestContext,
  data: EventPayloads[T],
): DomainEvent {
  return {
    id: deps.ids.uuid(),
    type,
    version: EVENT_VERSION,
    occurredAt: deps.clock.now(),
    userId,
    metadata,
    data,
  } as DomainEvent;
}
