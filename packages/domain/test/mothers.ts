import type { RegisterUserCommand, RequestContext } from '../src/index.js';

/** A request context as a browser call would have it. */
export const aContext = (overrides: Partial<RequestContext> = {}): RequestContext => ({
  ip: '203.0.113.7',
  userAgent: 'vitest',
  requestId: 'req-1',
  ...overrides,
});

/** A valid registration. */
export const aRegistration = (overrides: Partial<RegisterUserCommand> = {}): RegisterUserCommand => ({
  firstName: 'John',
  lastName: 'Doe',
  email: 'john.doe@example.com',
  password: 'Password123',
  ...overrides,
});
