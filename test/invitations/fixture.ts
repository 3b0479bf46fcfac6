// Invitation test helpers: create an "on_open" onboarding, press Continue on its start link, pick a
// callback apart or forge one, read the stored record, its outbox and what the simulator received.
import supertest from 'supertest';
import type { OnboardingRecord } from '../../src/store/store';
import type { RecordedEndpoint } from '../../src/simulator';
import type { Harness } from '../helpers/service-harness';
import { raisedEvents } from '../helpers/raised-events';

export type App = Harness['app'];

export interface Invitation {
  onboardingId: string;
  /** /start/<token>: what the customer's browser GETs and POSTs. */
  startPath: string;
}

export async function invite(h: Harness, body: Record<string, unknown> = {}): Promise<Invitation> {
  const created = await h.createOnboarding({ ds_id: 'GA', create_link: 'on_open', ...body });
  return {
    onboardingId: created.onboarding_id,
    startPath: new URL(String(created.start_url)).pathname,
  };
}

/** The Continue button: POST /start/<token> on the given instance. */
export function pressContinue(app: App, invitation: Invitation): supertest.Test {
  return supertest(app).post(invitation.startPath);
}

export async function storedRecord(h: Harness, onboardingId: string): Promise<OnboardingRecord> {
  const record = await h.storage.onboardings.getOnboarding(onboardingId);
  if (!record) throw new Error(`onboarding ${onboardingId} is not stored`);
  return record;
}

export interface CallbackParts {
  state: string;
  link_id: string;
  link_verifier: string;
}

/** The three parameters of a callback path as the upstream builds it. */
export function partsOf(callbackPath: string): CallbackParts {
  const query = new URLSearchParams(callbackPath.split('?')[1]);
  return {
    state: query.get('state')!,
    link_id: query.get('link_id')!,
    link_verifier: query.get('link_verifier')!,
  };
}

/** A callback path from parts (an attacker's mix of them). */
export function callbackWith(parts: CallbackParts): string {
  return `/callback?${new URLSearchParams({ ...parts }).toString()}`;
}

export interface OutboxBody {
  type: string;
  data: Record<string, unknown>;
}

/** The webhook bodies of the events the onboarding raised. */
export async function outboxBodies(h: Harness, onboardingId: string): Promise<OutboxBody[]> {
  const events = await raisedEvents(h.storage.onboardings, onboardingId);
  return events.map((event) => JSON.parse(event.body) as OutboxBody);
}

/** Requests the simulator received on one endpoint so far. */
export function upstreamCount(h: Harness, endpoint: RecordedEndpoint): number {
  return h.sim.requestCounts()[endpoint] ?? 0;
}

/** The link ids the simulator was asked to close, in order. */
export function closedUpstream(h: Harness): string[] {
  return h.sim.requests.filter((r) => r.endpoint === 'close').map((r) => r.linkId!);
}

/** The value of one llr_start_total series on the instance's /metrics (0 when absent). */
export async function startTotal(app: App, outcome: string): Promise<number> {
  const text = (await supertest(app).get('/metrics').expect(200)).text;
  const line = new RegExp(`^llr_start_total\\{outcome="${outcome}"\\} (\\d+)$`, 'm').exec(text);
  return line ? Number(line[1]) : 0;
}
