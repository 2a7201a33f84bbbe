import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/**
 * The OpenAPI document, generated from the routes' zod schemas, at /api/docs (UI) and
 * /api/docs/json. Register before the routes: swagger collects them as they are added.
 */
export async function registerDocs(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'NeuroTrade API',
        version,
        description:
          'Bearer access tokens (POST /api/auth/login) in `Authorization`. The live-event stream ' +
          '(GET /api/events, Server-Sent Events) also accepts the token as `?token=`, since ' +
          'EventSource cannot set headers.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
}
