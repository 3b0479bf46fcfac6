// The typed Supermetrics login-link client: the five calls over one keep-alive dispatcher.
import { createCall } from './call-with-retry';
import { resolveClientOptions, type SupermetricsClientOptions } from './client-options';
import { createExchange } from './exchange';
import { linkIdSegment, sendableRequestId } from './link-id';
import { createRetryPolicy } from './retry-policy';
import { linkBodySchema, linkListBodySchema } from './schemas';
import type { CallOptions, CreateLinkInput, SupermetricsClient } from './types';

export type { SupermetricsClientOptions } from './client-options';
export { SupermetricsClientOptionsError } from './client-options';

export function createSupermetricsClient(options: SupermetricsClientOptions): SupermetricsClient {
  const resolved = resolveClientOptions(options);
  const call = createCall({
    exchange: createExchange({
      dispatcher: resolved.dispatcher,
      origin: resolved.origin,
      apiKey: resolved.apiKey,
      userAgent: resolved.userAgent,
      headersTimeoutMs: resolved.headersTimeoutMs,
      bodyTimeoutMs: resolved.bodyTimeoutMs,
      now: resolved.now,
    }),
    policy: createRetryPolicy(resolved.retry),
    sleep: resolved.sleep,
    onExchange: resolved.onExchange,
  });
  const listPath = `${resolved.basePath}/ds/login/links`;
  const linkPath = `${resolved.basePath}/ds/login/link`;
  let closing: Promise<void> | undefined;

  return {
    async listLinks(callOptions?: CallOptions) {
      return call({
        endpoint: 'list',
        method: 'GET',
        path: listPath,
        body: undefined,
        requestId: sendableRequestId(callOptions?.requestId),
        signal: callOptions?.signal,
        schema: linkListBodySchema,
      });
    },

    async getLink(linkId: string, callOptions?: CallOptions) {
      return call({
        endpoint: 'get',
        method: 'GET',
        path: `${linkPath}/${linkIdSegment(linkId)}`,
        body: undefined,
        requestId: sendableRequestId(callOptions?.requestId),
        signal: callOptions?.signal,
        schema: linkBodySchema,
      });
    },

    // Not retried once the request may have reached the server (see retry-policy.ts).
    async createLink(input: CreateLinkInput, callOptions?: CallOptions) {
      // Only the documented fields are sent, whatever else the caller's object carries.
      const body = JSON.stringify({
        ds_id: input.ds_id,
        expiry_time: input.expiry_time,
        description: input.description,
        require_username: input.require_username,
        redirect_url: input.redirect_url,
      });
      return call({
        endpoint: 'create',
        method: 'POST',
        path: linkPath,
        body,
        requestId: sendableRequestId(callOptions?.requestId),
        signal: callOptions?.signal,
        schema: linkBodySchema,
      });
    },

    async updateLinkDescription(linkId: string, description: string, callOptions?: CallOptions) {
      return call({
        endpoint: 'update',
        method: 'PATCH',
        path: `${linkPath}/${linkIdSegment(linkId)}`,
        body: JSON.stringify({ description }),
        requestId: sendableRequestId(callOptions?.requestId),
        signal: callOptions?.signal,
        schema: linkBodySchema,
      });
    },

    async closeLink(linkId: string, callOptions?: CallOptions) {
      return call({
        endpoint: 'close',
        method: 'PUT',
        path: `${linkPath}/${linkIdSegment(linkId)}/close`,
        body: undefined,
        requestId: sendableRequestId(callOptions?.requestId),
        signal: callOptions?.signal,
        schema: linkBodySchema,
      });
    },

    close() {
      // An injected dispatcher belongs to the caller, who closes it.
      if (!resolved.ownsDispatcher) return Promise.resolve();
      closing ??= resolved.dispatcher.close();
      return closing;
    },
  };
}
