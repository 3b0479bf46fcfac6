// The zod schemas the document names under #/components/schemas: request bodies and answers.
import { errorEnvelope, listMeta, meta } from '../http/envelope-schemas';
import {
  createOnboardingBody,
  historyAnswer,
  historyEntry,
  onboarding,
  onboardingAnswer,
  onboardingPage,
  onboardingWithStartUrl,
  onboardingWithStartUrlAnswer,
} from '../onboarding/schemas';
import { eventsPage, feedItem } from '../events/schemas';
import {
  deadLetter,
  deadLetterPage,
  eventBody,
  redeliverAnswer,
  replayAnswer,
  replayBody,
  webhookDeliveries,
  webhookDeliveriesAnswer,
} from '../webhooks/schemas';
import { alive, notReady, ready } from './health-schemas';
import { namedSchemas } from './openapi-json-schema';
import { ref, type SchemaObject } from './openapi-types';

/** Request bodies, documented as the input they accept (defaults optional). */
const requestSchemas = { CreateOnboardingRequest: createOnboardingBody, ReplayRequest: replayBody };

/** Answers, documented as the output the service sends. */
const answerSchemas = {
  Meta: meta,
  ListMeta: listMeta,
  ErrorEnvelope: errorEnvelope,
  Onboarding: onboarding,
  OnboardingAnswer: onboardingAnswer,
  OnboardingPage: onboardingPage,
  OnboardingWithStartUrl: onboardingWithStartUrl,
  OnboardingWithStartUrlAnswer: onboardingWithStartUrlAnswer,
  HistoryEntry: historyEntry,
  OnboardingHistoryAnswer: historyAnswer,
  DeadLetter: deadLetter,
  DeadLetterPage: deadLetterPage,
  RedeliverAnswer: redeliverAnswer,
  EventBody: eventBody,
  WebhookDeliveries: webhookDeliveries,
  WebhookDeliveriesAnswer: webhookDeliveriesAnswer,
  ReplayAnswer: replayAnswer,
  FeedItem: feedItem,
  EventsPage: eventsPage,
  Alive: alive,
  Ready: ready,
  NotReady: notReady,
};

export type SchemaName = keyof typeof requestSchemas | keyof typeof answerSchemas;

/** A $ref to a named schema (in OpenAPI 3.1 a $ref is itself a Schema Object). */
export function schemaRef(name: SchemaName): SchemaObject {
  return { ...ref('schemas', name) };
}

export function componentSchemas(): Record<string, SchemaObject> {
  return { ...namedSchemas(answerSchemas, 'output'), ...namedSchemas(requestSchemas, 'input') };
}
