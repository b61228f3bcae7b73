export {
  createAuthClient,
  type AuthClient,
  type AuthClientError,
  type AuthClientOptions,
  type AuthClientResult,
  type CallOptions,
  type Detail,
} from './rest-client.js';
export { createTrpcClient, trpcErrorBody, type AuthTrpcClient, type TrpcClientOptions } from './trpc-client.js';
