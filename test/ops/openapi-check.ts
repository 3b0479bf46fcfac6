// Checks real responses against /openapi.json: the documented status, its JSON schema (Ajv, JSON Schema 2020-12), its required headers.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';
import type { OpenApiDocument } from '../../src/ops/openapi';

const DOCUMENT_ID = 'https://llr.test/openapi.json';

type Json = Record<string, unknown>;

function pointerPart(part: string): string {
  return part.replace(/~/g, '~0').replace(/\//g, '~1');
}

export interface ResponseChecker {
  /** Fails unless `res` is a documented answer of `method path` and matches its schema and headers. */
  check(method: 'get' | 'post', path: string, res: Response): void;
  /** Compiles every response schema in the document (so every $ref must resolve). */
  compileAll(): number;
  /** Whether the document's JSON request body schema of `method path` accepts `body`. */
  acceptsBody(method: 'get' | 'post', path: string, body: unknown): boolean;
}

export function responseChecker(document: OpenApiDocument): ResponseChecker {
  // The document is not itself a schema: unknown keywords (paths, responses…) are ignored, and
  // response schemas are reached by JSON pointer, resolving their $refs against the document.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document as unknown as Json, DOCUMENT_ID);
  const compiled = new Map<string, ValidateFunction>();

  function validatorAt(pointer: string): ValidateFunction {
    let validate = compiled.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
      compiled.set(pointer, validate);
    }
    return validate;
  }

  /** The response object's pointer, following one $ref to components/responses. */
  function responsePointer(method: string, path: string, status: string): string | null {
    const operation = document.paths[path]?.[method as 'get' | 'post'];
    if (!operation) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
    const response = operation.responses[status];
    if (!response) return null;
    if ('$ref' in response) return response.$ref.slice(1);
    return `/paths/${pointerPart(path)}/${method}/responses/${status}`;
  }

  function resolve(pointer: string): Json {
    let node: unknown = document;
    for (const part of pointer.split('/').slice(1))
      node = (node as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    return node as Json;
  }

  return {
    check(method, path, res) {
      const status = String(res.status);
      const pointer = responsePointer(method, path, status);
      if (pointer === null)
        throw new Error(
          `${method.toUpperCase()} ${path} answered ${status}, which is not documented`,
        );
      const response = resolve(pointer) as { content?: Json; headers?: Record<string, Json> };
      for (const [name, header] of Object.entries(response.headers ?? {})) {
        const definition = '$ref' in header ? resolve(String(header.$ref).slice(1)) : header;
        if (definition.required === true && res.headers[name.toLowerCase()] === undefined)
          throw new Error(`${method.toUpperCase()} ${path} ${status} lacks the header ${name}`);
      }
      if (!response.content) return;
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const validate = validatorAt(`${pointer}/content/application~1json/schema`);
      if (!validate(res.body))
        throw new Error(
          `${method.toUpperCase()} ${path} ${status} does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body)}`,
        );
    },
    acceptsBody(method, path, body) {
      if (!document.paths[path]?.[method]?.requestBody)
        throw new Error(`${method.toUpperCase()} ${path} documents no request body`);
      const pointer = `/paths/${pointerPart(path)}/${method}/requestBody/content/application~1json/schema`;
      return validatorAt(pointer)(body) as boolean;
    },
    compileAll() {
      let count = 0;
      for (const [path, item] of Object.entries(document.paths))
        for (const [method, operation] of Object.entries(item))
          for (const status of Object.keys(operation!.responses)) {
            const pointer = responsePointer(method, path, status)!;
            if (resolve(pointer).content) {
              validatorAt(`${pointer}/content/application~1json/schema`);
              count++;
            }
          }
      return count;
    },
  };
}
