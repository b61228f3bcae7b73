/** The current time, injectable so expiry can be tested without waiting. */
export interface Clock {
  /** Now. */
  now(): Date;
}

/** Unique identifiers for events. */
export interface IdGenerator {
  /** A new random UUID. */
  uuid(): string;
}
