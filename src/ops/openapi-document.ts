// The OpenAPI 3.1 description of the integrator API, built from the zod schemas the routes validate with.
import { onboardingPaths } from './openapi-onboarding-paths';
import { parameterComponents } from './openapi-parameters';
import { probePaths } from './openapi-probe-paths';
import { headerComponents, responseComponents } from './openapi-responses';
import { componentSchemas } from './openapi-schemas';
import type { OpenApiDocument } from './openapi-types';
import { webhookPaths } from './openapi-webhook-paths';
import { eventPaths } from './openapi-event-paths';

export type { OpenApiDocument } from './openapi-types';

export function openApiDocument(publicUrl: string): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: {
      title: 'login-link-receiver',
      version: '1',
      description:
        'Starts Supermetrics login-link onboardings and reports their completion. Every response carries meta.request_id (also the X-Request-Id header); every error uses the envelope {meta, error: {code, message, description?}}.',
    },
    servers: [{ url: publicUrl }],
    tags: [
      { name: 'onboardings', description: 'Create, read, list and cancel onboardings.' },
      {
        name: 'webhooks',
        description: "Each webhook's deliveries, replay, and the delivery queue's dead letters.",
      },
      { name: 'events', description: 'The events feed, for systems that poll instead.' },
      { name: 'operations', description: 'Health and readiness probes (no authentication).' },
    ],
    security: [{ bearerAuth: [] }],
    paths: { ...onboardingPaths(), ...webhookPaths(), ...eventPaths(), ...probePaths() },
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'One of the API_KEYS (Authorization: Bearer <key>).',
        },
      },
      schemas: componentSchemas(),
      parameters: parameterComponents(),
      headers: headerComponents(),
      responses: responseComponents(),
    },
  };
}
