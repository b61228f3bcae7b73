export { readTokenCredentials, type TokenCredentials } from './authorization-header.js';
export { createAuthEndpoints, toUserResponse, type AuthEndpoints, type DetailBody, type EdgeResult } from './auth-endpoints.js';
export { errorMapping, errorTable, faultMapping, rpcCodeFor, type ErrorBody, type ErrorMapping, type RpcErrorCode } from './error-table.js';
export { invalidInputBody, mergeRegistrationErrors, passwordMessages } from './password-screening.js';
export { uncheckedRegistration } from './registration-input.js';
export { appRouter, type AppRouter, type TrpcContext } from './trpc-router.js';
