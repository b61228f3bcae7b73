import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AsyncApiDocument } from '@authsvc/adapter-kafka';
import type { FastifyInstance } from 'fastify';
import type { OpenApiDocument } from './openapi.js';
import { overridePageHeaders, pageContentSecurityPolicy } from './page-security.js';

/** Where the docs page lives, as drf-spectacular's Swagger view does. */
const DOCS_PATH = '/api/docs/';

// Swagger UI sets inline styles and data: images, and "Try it out" calls this origin. Nothing may
// come from elsewhere.
const DOCS_CSP = pageContentSecurityPolicy(["style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "font-src 'self' data:"]);

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>authsvc API</title>
    <link rel="stylesheet" href="./swagger-ui.css">
    <link rel="icon" type="image/png" href="./favicon-32x32.png">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="./swagger-ui-bundle.js"></script>
    <script src="./swagger-initializer.js"></script>
  </body>
</html>
`;

// A separate file, not an inline script, so the page's CSP needs no 'unsafe-inline' for scripts.
const INITIALIZER = `window.addEventListener('load', function () {
  var ui = SwaggerUIBundle({
    url: '../schema/',
    dom_id: '#swagger-ui',
    deepLinking: true,
    tryItOutEnabled: true,
    // The default validator badge calls a public service; nothing here may leave this origin.
    validatorUrl: null,
    // A successful login authorises the page with its token, so "me" and "logout" work next.
    responseInterceptor: function (response) {
      if (response.ok && /\\/api\\/users\\/login\\/$/.test(response.url) && response.body && response.body.key) {
        ui.preauthorizeApiKey('Token', 'Token ' + response.body.key);
      }
      return response;
    },
  });
  window.ui = ui;
});
`;

/** Swagger UI's files served from the npm package, by name, with their media types. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/**
 * Serves the OpenAPI document at `/api/schema/` and Swagger UI at `/api/docs/`, all from this
 * process (no CDN). The docs routes get a CSP that lets the page run its own scripts; every other
 * route keeps the strict one.
 */
export async function registerApiDocs(server: FastifyInstance, document: OpenApiDocument): Promise<void> {
  const body = JSON.stringify(document);
  server.get('/api/schema/', async (_request, reply) => reply.type('application/vnd.oai.openapi+json; charset=utf-8').send(body));

  const distDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const assets = new Map(await Promise.all(Object.keys(ASSETS).map(async (name) => [name, await readFile(join(distDir, name))] as const)));

  await server.register(async (docs) => {
    overridePageHeaders(docs, { 'Content-Security-Policy': DOCS_CSP });
    docs.get(DOCS_PATH.slice(0, -1), async (_request, reply) => reply.redirect(DOCS_PATH, 301));
    docs.get(DOCS_PATH, async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
    docs.get(`${DOCS_PATH}swagger-initializer.js`, async (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').send(INITIALIZER),
    );
    for (const [name, content] of assets) {
      docs.get(`${DOCS_PATH}${name}`, async (_request, reply) => reply.type(ASSETS[name]!).send(content));
    }
  });
}

/**
 * Serves the AsyncAPI document of the Kafka events at `/api/events/schema/`: what `/api/schema/` is
 * to REST clients, for subscribers. JSON, with the strict CSP of every other JSON answer.
 */
export async function registerEventsSchema(server: FastifyInstance, document: AsyncApiDocument): Promise<void> {
  const body = JSON.stringify(document);
  server.get('/api/events/schema/', async (_request, reply) =>
    reply.type('application/vnd.aai.asyncapi+json; version=3.0.0; charset=utf-8').send(body),
  );
}
