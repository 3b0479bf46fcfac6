// GET /openapi.json: serves the OpenAPI 3.1 description of the integrator API, built once per app.
import { Router } from 'express';
import { openApiDocument } from './openapi-document';

export { openApiDocument, type OpenApiDocument } from './openapi-document';

export function openApiRoutes(publicUrl: string): Router {
  const document = JSON.stringify(openApiDocument(publicUrl));
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(document);
  });
  return router;
}
