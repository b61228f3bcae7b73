export { readTokenCredentials, type TokenCredentials } from './authorization-header.js';
export { createAuthEndpoints, toUserResponse, type AuthEndpoints, type DetailBody, type EdgeResult } from './auth-endpoints.js';
export { errorMapping, errorTable, faultMapping, rpcCodeFor, type ErrorBody, type ErrorMapping, type RpcErrorCode } from './error-table.js';
export { mergeRegistrationErrors, passwordMessages, withPasswordScreening } from './password-screening.js';
export { appRouter, type AppRouter, type TrpcContext } from './trpc-router.js';
