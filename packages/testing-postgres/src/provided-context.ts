/** The key under which the global setup hands the test server's URL to test files. */
export const SERVER_URL_KEY = 'authsvcPostgresServerUrl';

declare module 'vitest' {
  /** Values the global setup provides to every test file through `inject()`. */
  export interface ProvidedContext {
    /** URL of a database on the test server to connect to for creating and dropping test databases. */
    [SERVER_URL_KEY]: string;
  }
}
