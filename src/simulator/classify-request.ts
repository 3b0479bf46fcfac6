// Names the endpoint a request is for (and the link it names), the way faults and the request log refer to it.
import type { RecordedEndpoint } from './types';

export const API_PREFIX = '/enterprise/v2';
export const LOGIN_PREFIX = '/datasource/login';

// Express routes match case-insensitively and ignore one trailing slash; so do these.
const ROUTES: { method: string; pattern: RegExp; endpoint: RecordedEndpoint }[] = [
  { method: 'GET', pattern: /^\/ds\/login\/links\/?$/i, endpoint: 'list' },
  { method: 'GET', pattern: /^\/ds\/login\/link\/([^/]+)\/?$/i, endpoint: 'get' },
  { method: 'POST', pattern: /^\/ds\/login\/link\/?$/i, endpoint: 'create' },
  { method: 'PATCH', pattern: /^\/ds\/login\/link\/([^/]+)\/?$/i, endpoint: 'update' },
  { method: 'PUT', pattern: /^\/ds\/login\/link\/([^/]+)\/close\/?$/i, endpoint: 'close' },
];

export interface RequestTarget {
  endpoint: RecordedEndpoint;
  /** The link_id in the path of a get, update or close; null for every other request. */
  linkId: string | null;
}

/** path is the URL path without the query string. */
export function describeRequest(method: string, path: string): RequestTarget {
  const lower = path.toLowerCase();
  if (lower === LOGIN_PREFIX || lower.startsWith(`${LOGIN_PREFIX}/`))
    return { endpoint: 'login', linkId: null };
  if (!lower.startsWith(`${API_PREFIX}/`)) return { endpoint: 'other', linkId: null };
  const rest = path.slice(API_PREFIX.length);
  const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  for (const route of ROUTES) {
    if (route.method !== verb) continue;
    const match = route.pattern.exec(rest);
    if (match) return { endpoint: route.endpoint, linkId: decodedSegment(match[1]) };
  }
  return { endpoint: 'other', linkId: null };
}

export function classifyRequest(method: string, path: string): RecordedEndpoint {
  return describeRequest(method, path).endpoint;
}

function decodedSegment(segment: string | undefined): string | null {
  if (segment === undefined) return null;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
