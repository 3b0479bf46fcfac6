// POST /v1/webhooks/replay: queues again every event recorded in a range (same webhook-id), adding nothing
// to the feed. One still waiting in the queue is skipped, and so is one another replay queued since this
// one began: replays racing on two instances queue each event once.
import { AppError } from '../errors';
import { bodiesOf } from './bodies';
import { FEED_RETENTION_MS } from '../store/retention';
import type { EventLog, EventType, OnboardingStore, RequeuedEvent } from '../store/store';

/** The longest range one replay may cover. */
export const MAX_REPLAY_RANGE_MS = 7 * 24 * 60 * 60 * 1000;
const BATCH = 500;

export interface ReplayRange {
  sinceMs: number;
  untilMs: number;
  type?: EventType;
}

/** The range as times, or a 422 naming the field that breaks a rule. */
export function replayRange(
  body: { since: string; until: string; type?: EventType },
  nowMs: number,
): ReplayRange {
  const sinceMs = Date.parse(body.since);
  const untilMs = Date.parse(body.until);
  const refuse = (field: string, message: string): never => {
    throw new AppError('UNPROCESSABLE_ENTITY', `Invalid field "${field}": ${message}`, {
      details: { field },
    });
  };
  if (sinceMs > untilMs) refuse('since', 'must not be after until');
  if (untilMs - sinceMs > MAX_REPLAY_RANGE_MS)
    refuse('until', 'must be at most 7 days after since');
  if (sinceMs < nowMs - FEED_RETENTION_MS)
    refuse('since', 'must be within the 30 days the events are kept');
  return { sinceMs, untilMs, ...(body.type === undefined ? {} : { type: body.type }) };
}

export interface ReplayDeps {
  events: EventLog;
  onboardings: Pick<OnboardingStore, 'getOnboarding'>;
}

/** Resolves to how many events were queued. */
export async function replayEvents(
  deps: ReplayDeps,
  range: ReplayRange,
  nowMs: number,
): Promise<number> {
  // Taken before reading: what another replay queues from now on is not queued again by this one.
  const mark = await deps.events.replayMark();
  let queued = 0;
  let after: string | undefined;
  for (;;) {
    const entries = await deps.events.read({
      after,
      fromMs: range.sinceMs,
      toMs: range.untilMs,
      limit: BATCH,
    });
    const wanted = entries.filter((e) => range.type === undefined || e.type === range.type);
    const bodies = await bodiesOf(deps.onboardings, wanted);
    const batch: RequeuedEvent[] = wanted.flatMap((entry) => {
      const body = bodies.get(entry.webhook_id);
      return body === undefined
        ? []
        : [{ webhook_id: entry.webhook_id, onboarding_id: entry.onboarding_id, body }];
    });
    if (batch.length > 0) queued += await deps.events.requeue(batch, mark, nowMs);
    if (entries.length < BATCH) return queued;
    after = entries[entries.length - 1]!.position;
  }
}
