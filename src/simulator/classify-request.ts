// Names the endpoint a request is for, the way faults and the request log refer to it.
import type { RecordedEndpoint } from './types';

export const API_PREFIX = '/enterprise/v2';
export const LOGIN_PREFIX = '/datasource/login';

// Express routes match case-insensitively and ignore one trailing slash; so do these.
const ROUTES: { method: string; pattern: RegExp; endpoint: RecordedEndpoint }[] = [
  { method: 'GET', pattern: /^\/ds\/login\/links\/?$/i, endpoint: 'list' },
  { method: 'GET', pattern: /^\/ds\/login\/link\/[^/]+\/?$/i, endpoint: 'get' },
  { method: 'POST', pattern: /^\/ds\/login\/link\/?$/i, endpoint: 'create' },
  { method: 'PATCH', pattern: /^\/ds\/login\/link\/[^/]+\/?$/i, endpoint: 'update' },
  { method: 'PUT', pattern: /^\/ds\/login\/link\/[^/]+\/close\/?$/i, endpoint: 'close' },
];

/** path is the URL path without the query string. */
export function classifyRequest(method: string, path: string): RecordedEndpoint {
  const lower = path.toLowerCase();
  if (lower === LOGIN_PREFIX || lower.startsWith(`${LOGIN_PREFIX}/`)) return 'login';
  if (!lower.startsWith(`${API_PREFIX}/`)) return 'other';
  const rest = path.slice(API_PREFIX.length);
  const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const route = ROUTES.find((r) => r.method === verb && r.pattern.test(rest));
  return route ? route.endpoint : 'other';
}
