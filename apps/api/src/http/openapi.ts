import {
  detailResponseSchema,
  fieldErrorsResponseSchema,
  loginRequestSchema,
  loginResponseSchema,
  messages,
  passwordChangeRequestSchema,
  passwordResetConfirmRequestSchema,
  passwordResetRequestSchema,
  registrationRequestSchema,
  resendEmailRequestSchema,
  tokenListResponseSchema,
  userResponseSchema,
  verifyEmailRequestSchema,
} from '@authsvc/contracts';
import { z } from 'zod';

/** A JSON value in the document. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
/** A JSON object in the document. */
type JsonObject = { [key: string]: Json };

/** What the generator needs of a REST resource: its path, name and the methods it serves. */
export interface DocumentedResource {
  readonly path: string;
  readonly name: string;
  readonly views: Partial<Record<string, unknown>>;
}

/** The OpenAPI 3.1 document of the service. */
export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: JsonObject;
  readonly paths: Record<string, Record<string, JsonObject>>;
  readonly components: JsonObject;
  readonly [key: string]: Json;
}

/** Paths of the operational endpoints the document covers beside the REST contract. */
const operationalPaths = {
  healthz: '/healthz',
  readyz: '/readyz',
  metrics: '/metrics',
  schema: '/api/schema/',
  eventsSchema: '/api/events/schema/',
} as const;

/**
 * JSON Schema (2020-12, OpenAPI 3.1's dialect) of a contract schema, as its validated value looks.
 * The output side is used because the input side of a preprocessed field loses its constraints
 * (an email's format, which fields are required); the two only differ by trimming.
 */
function jsonSchemaOf(schema: z.ZodType, { closed }: { closed: boolean }): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'output', target: 'draft-2020-12' }) as JsonObject;
  // Unknown request fields are ignored, as DRF ignores them, so only responses are closed.
  if (!closed) delete rest.additionalProperties;
  return rest;
}

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

const json = (schema: string, examples?: Record<string, Json>): JsonObject => ({
  'application/json': {
    schema: ref(schema),
    ...(examples && { examples: Object.fromEntries(Object.entries(examples).map(([k, value]) => [k, { value }])) }),
  },
});

const response = (description: string, schema: string, examples?: Record<string, Json>): JsonObject => ({
  description,
  content: json(schema, examples),
});

const detail = (description: string, message: string): JsonObject =>
  response(description, 'Detail', { [description]: { detail: message } });

/** Answers any REST operation may give: the throttle, an unreachable database, a bug. */
const commonFailures: Record<string, JsonObject> = {
  '429': { $ref: '#/components/responses/Throttled' },
  '503': { $ref: '#/components/responses/Unavailable' },
  '500': { $ref: '#/components/responses/ServerError' },
};

/** Answers of operations that read a body. */
const bodyFailures: Record<string, JsonObject> = {
  '413': detail('Body too large', messages.bodyTooLarge),
  '415': detail('Unsupported media type', messages.unsupportedMediaType('text/plain')),
};

const authFailures: Record<string, JsonObject> = { '401': { $ref: '#/components/responses/Unauthenticated' } };

const requestBody = (schema: string, example: JsonObject): JsonObject => ({
  required: true,
  content: {
    'application/json': { schema: ref(schema), example },
    // DRF's FormParser: the same fields, form-encoded.
    'application/x-www-form-urlencoded': { schema: ref(schema) },
  },
});

const johnDoe = { first_name: 'John', last_name: 'Doe', email: 'john.doe@example.com' };
const tokenAuth = [{ Token: [] }];

/** Each REST operation's description, by `METHOD path`; every route of `restResources` must have one. */
const restOperations: Record<string, JsonObject> = {
  'POST /api/users/registration/': {
    operationId: 'register',
    summary: 'Register a new account',
    security: [],
    requestBody: requestBody('RegistrationRequest', { ...johnDoe, password1: 'Password123', password2: 'Password123' }),
    responses: {
      '201': response('The new user', 'User', { created: { id: 1, ...johnDoe } }),
      '400': response('Invalid fields, every one reported at once', 'FieldErrors', {
        spec: {
          email: [messages.emailTaken],
          password1: [messages.passwordNoNumeral],
          password2: [messages.passwordMismatch],
        },
      }),
      ...bodyFailures,
      ...commonFailures,
    },
  },
  'POST /api/users/login/': {
    operationId: 'login',
    summary: 'Log in: mint a new token',
    description: 'Each login mints a new token, valid for `TOKEN_EXPIRED_AFTER_SECONDS`.',
    security: [],
    requestBody: requestBody('LoginRequest', { email: johnDoe.email, password: 'Password123' }),
    responses: {
      '200': response('A new token', 'LoginResponse', { token: { key: '3f9c0d6c2b0b4a3e9a7e5d1c8b2a4f6e0d9c8b7a' } }),
      '400': response('Invalid fields, bad credentials or a disabled account', 'FieldErrors', {
        badCredentials: { non_field_errors: [messages.invalidCredentials] },
        disabled: { non_field_errors: [messages.accountDisabled] },
        missing: { email: [messages.required], password: [messages.required] },
      }),
      ...bodyFailures,
      ...commonFailures,
    },
  },
  'POST /api/users/logout/': {
    operationId: 'logout',
    summary: 'Log out: revoke the presented token',
    security: tokenAuth,
    responses: {
      '200': detail('Logged out', messages.loggedOut),
      '400': detail('No token presented', messages.logoutWithoutToken),
      ...authFailures,
      ...commonFailures,
    },
  },
  'POST /api/users/logout-all/': {
    operationId: 'logoutAll',
    summary: "Log out everywhere: revoke every token of the caller's account",
    security: tokenAuth,
    responses: {
      '200': detail('Logged out', messages.loggedOut),
      '400': detail('No token presented', messages.logoutWithoutToken),
      ...authFailures,
      ...commonFailures,
    },
  },
  'GET /api/users/me/': {
    operationId: 'me',
    summary: 'The calling user',
    security: tokenAuth,
    responses: {
      '200': response('The caller', 'User', { john: { id: 1, ...johnDoe } }),
      ...authFailures,
      ...commonFailures,
    },
  },
  'POST /api/users/password/change/': {
    operationId: 'changePassword',
    summary: "Change the caller's password; every other token of theirs is revoked",
    description: 'The token that made the call stays valid. Wrong old passwords count against the login lockout.',
    security: tokenAuth,
    requestBody: requestBody('PasswordChangeRequest', {
      old_password: 'Password123',
      new_password1: 'Better456x',
      new_password2: 'Better456x',
    }),
    responses: {
      '200': detail('Saved', messages.passwordChanged),
      '400': response('Invalid fields, or a wrong old password', 'FieldErrors', {
        wrongOld: { old_password: [messages.oldPasswordIncorrect] },
        mismatch: { new_password2: [messages.passwordMismatch] },
      }),
      ...authFailures,
      ...bodyFailures,
      ...commonFailures,
    },
  },
  'POST /api/users/password/reset/': {
    operationId: 'requestPasswordReset',
    summary: 'Email a password reset link',
    description:
      'Answers the same whether or not the email has an account; the email is queued and sent by the mailer. ' +
      'Throttled per client address and per email (`PASSWORD_RESET_RATE`).',
    security: [],
    requestBody: requestBody('PasswordResetRequest', { email: johnDoe.email }),
    responses: {
      '200': detail('Queued, or no such account', messages.passwordResetSent),
      '400': response('Invalid fields', 'FieldErrors', { invalid: { email: [messages.invalidEmail] } }),
      ...bodyFailures,
      ...commonFailures,
    },
  },
  'POST /api/users/password/reset/confirm/': {
    operationId: 'confirmPasswordReset',
    summary: "Set a new password with an emailed link's uid and token; every token of the user is revoked",
    description: 'The token is single use and valid for `PASSWORD_RESET_TIMEOUT_SECONDS`.',
    security: [],
    requestBody: requestBody('PasswordResetConfirmRequest', {
      uid: '1',
      token: '3f9c0d6c2b0b4a3e9a7e5d1c8b2a4f6e0d9c8b7a',
      new_password1: 'Better456x',
      new_password2: 'Better456x',
    }),
    responses: {
      '200': detail('Reset', messages.passwordResetDone),
      '400': response('Invalid fields, or a bad, used or expired link', 'FieldErrors', {
        uid: { uid: [messages.invalidValue] },
        token: { token: [messages.invalidValue] },
        mismatch: { new_password2: [messages.passwordMismatch] },
      }),
      ...bodyFailures,
      ...commonFailures,
    },
  },
  'POST /api/users/registration/verify-email/': {
    operationId: 'verifyEmail',
    summary: "Verify an account's email with the key of the emailed link",
    security: [],
    requestBody: requestBody('VerifyEmailRequest', { key: '3f9c0d6c2b0b4a3e9a7e5d1c8b2a4f6e0d9c8b7a' }),
    responses: {
      '200': detail('Verified', messages.ok),
      '400': response('Invalid fields', 'FieldErrors', { missing: { key: [messages.required] } }),
      '404': detail('Unknown, used or expired key', messages.notFound),
      ...bodyFailures,
      ...commonFailures,
    },
  },
  'POST /api/users/registration/resend-email/': {
    operationId: 'resendVerification',
    summary: 'Email a new verification link',
    description: 'Answers the same whether or not the email has an unverified account. Throttled as password resets are.',
    security: [],
    requestBody: requestBody('ResendEmailRequest', { email: johnDoe.email }),
    responses: {
      '200': detail('Queued, or nothing to verify', messages.ok),
      '400': response('Invalid fields', 'FieldErrors', { invalid: { email: [messages.invalidEmail] } }),
      ...bodyFailures,
      ...commonFailures,
    },
  },
  'GET /api/users/tokens/': {
    operationId: 'tokens',
    summary: "The caller's live tokens, newest first",
    security: tokenAuth,
    responses: {
      '200': response('Live tokens; never their keys', 'TokenList', {
        two: [
          {
            id: '7d0b8f3e-5a43-4c1e-9f0a-2f4b6f1c9e21',
            created: '2026-12-01T10:00:00.000Z',
            expires: '2026-12-02T10:00:00.000Z',
            current: true,
            ip: '203.0.113.9',
            user_agent: 'Mozilla/5.0',
          },
        ],
      }),
      ...authFailures,
      ...commonFailures,
    },
  },
  'DELETE /api/users/tokens/:id/': {
    operationId: 'revokeToken',
    summary: "Revoke one of the caller's tokens by its id",
    security: tokenAuth,
    parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
    responses: {
      '204': { description: 'Revoked' },
      '404': detail("No token of the caller's has this id", messages.notFound),
      ...authFailures,
      ...commonFailures,
    },
  },
  'POST /api/users/logout-others/': {
    operationId: 'logoutOthers',
    summary: 'Revoke every token of the caller but the one presented',
    security: tokenAuth,
    responses: {
      '200': detail('Logged out elsewhere', messages.loggedOut),
      ...authFailures,
      ...commonFailures,
    },
  },
};

/** A route path in OpenAPI's spelling: Fastify's `:id` becomes `{id}`. */
const openApiPath = (path: string): string => path.replace(/:([^/]+)/g, '{$1}');

const statusBody = (description: string, status: string): JsonObject => ({
  description,
  content: { 'application/json': { schema: ref('Status'), example: { status } } },
});

/** Health, metrics and this document itself: not part of the contract, but served by the same process. */
const operationalOperations: Record<string, Record<string, JsonObject>> = {
  [operationalPaths.healthz]: {
    get: {
      operationId: 'healthz',
      summary: 'Liveness: the process is up',
      tags: ['operations'],
      security: [],
      responses: { '200': statusBody('Up', 'ok') },
    },
  },
  [operationalPaths.readyz]: {
    get: {
      operationId: 'readyz',
      summary: 'Readiness: database reachable and migrations applied',
      tags: ['operations'],
      security: [],
      responses: { '200': statusBody('Ready', 'ready'), '503': statusBody('Not ready; `checks` says which failed', 'not ready') },
    },
  },
  [operationalPaths.metrics]: {
    get: {
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      tags: ['operations'],
      security: [],
      responses: { '200': { description: 'Text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  },
  [operationalPaths.schema]: {
    get: {
      operationId: 'schema',
      summary: 'This OpenAPI document',
      tags: ['operations'],
      security: [],
      responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
  },
  [operationalPaths.eventsSchema]: {
    get: {
      operationId: 'eventsSchema',
      summary: 'The AsyncAPI 3.0 document of the events on Kafka',
      description: 'Topic and dead-letter topic, record key, headers, and the payload of every event type, for subscribers.',
      tags: ['operations'],
      security: [],
      responses: {
        '200': { description: 'AsyncAPI 3.0', content: { 'application/vnd.aai.asyncapi+json': { schema: { type: 'object' } } } },
      },
    },
  },
};

/**
 * Builds the OpenAPI 3.1 document from the contract's zod schemas and the REST resources the
 * server registers. A resource method without a description here throws, so a new route cannot
 * go undocumented.
 */
export function buildOpenApiDocument(resources: readonly DocumentedResource[], version: string): OpenApiDocument {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const resource of resources) {
    for (const method of Object.keys(resource.views)) {
      const operation = restOperations[`${method} ${resource.path}`];
      if (!operation) throw new Error(`no OpenAPI description for ${method} ${resource.path}`);
      (paths[openApiPath(resource.path)] ??= {})[method.toLowerCase()] = { tags: ['users'], ...operation, 'x-view-name': resource.name };
    }
  }
  Object.assign(paths, operationalOperations);

  return {
    openapi: '3.1.0',
    info: {
      title: 'authsvc',
      version,
      description:
        'Registration, login and logout with expiring tokens, compatible with Django REST Framework clients. ' +
        'Authenticated calls send `Authorization: Token <key>`. Errors are `{"field": ["message"]}` or `{"detail": "..."}`.',
    },
    // Swagger UI shows it under the title: the docs page's link to the events' own document.
    externalDocs: { description: 'Events on Kafka: the AsyncAPI 3.0 document', url: operationalPaths.eventsSchema },
    tags: [
      { name: 'users', description: 'The REST contract' },
      { name: 'operations', description: 'Health, readiness, metrics and this document' },
    ],
    paths,
    components: {
      schemas: {
        RegistrationRequest: jsonSchemaOf(registrationRequestSchema, { closed: false }),
        LoginRequest: jsonSchemaOf(loginRequestSchema, { closed: false }),
        PasswordChangeRequest: jsonSchemaOf(passwordChangeRequestSchema, { closed: false }),
        PasswordResetRequest: jsonSchemaOf(passwordResetRequestSchema, { closed: false }),
        PasswordResetConfirmRequest: jsonSchemaOf(passwordResetConfirmRequestSchema, { closed: false }),
        VerifyEmailRequest: jsonSchemaOf(verifyEmailRequestSchema, { closed: false }),
        ResendEmailRequest: jsonSchemaOf(resendEmailRequestSchema, { closed: false }),
        TokenList: jsonSchemaOf(tokenListResponseSchema, { closed: true }),
        User: jsonSchemaOf(userResponseSchema, { closed: true }),
        LoginResponse: jsonSchemaOf(loginResponseSchema, { closed: true }),
        Detail: jsonSchemaOf(detailResponseSchema, { closed: true }),
        FieldErrors: jsonSchemaOf(fieldErrorsResponseSchema, { closed: true }),
        Status: { type: 'object', properties: { status: { type: 'string' }, checks: { type: 'object' } }, required: ['status'] },
      },
      responses: {
        Unauthenticated: {
          description: 'No valid token: missing, malformed, unknown, expired, or its user is disabled',
          headers: { 'WWW-Authenticate': { description: 'Always `Token`', schema: { type: 'string', const: 'Token' } } },
          content: json('Detail', {
            missing: { detail: messages.notAuthenticated },
            invalid: { detail: messages.invalidToken },
            expired: { detail: messages.tokenExpired },
            inactive: { detail: messages.userInactive },
          }),
        },
        Throttled: {
          description: 'Too many requests',
          headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
          content: json('Detail', { throttled: { detail: messages.throttled(30) } }),
        },
        Unavailable: {
          description: 'The database cannot be reached; retry later',
          headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
          content: json('Detail', { unavailable: { detail: messages.serviceUnavailable } }),
        },
        ServerError: detail('A bug; nothing internal is shown', messages.serverError),
      },
      securitySchemes: {
        Token: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'Token authentication as DRF does it: the header value is `Token <key>`, the key from login.',
        },
      },
    },
  };
}
