// The invitation campaign phase of `npm run bench`: the same 200 customers under "now" and "on_open",
// on a simulated clock, as figures next to the physical limit (1 create + 1 read per completion, and
// OPEN-link time equal to the customer's own authentication time).
import { progress } from './context';
import type { CreateLinkMode } from './campaign-client';
import { DEFAULT_SHAPE } from './campaign-plan';
import {
  DEFAULT_CAMPAIGN_SETTINGS,
  runCampaign,
  type CampaignOptions,
  type CampaignResult,
} from './campaign-run';
import { figure, type Check, type Figure } from './report';
import { percentiles } from './stats';

/** One create and one read of the link: the fewest upstream requests a completion can take. */
export const PHYSICAL_REQUESTS_PER_COMPLETION = 2;

export const CAMPAIGN_MODES: readonly CreateLinkMode[] = ['now', 'on_open'];

export function campaignOptions(
  redisUrl: string,
  prefix: string,
  seed: number,
  waitEverySeconds: number | null = null,
): CampaignOptions {
  return {
    redisUrl,
    prefix,
    seed,
    shape: DEFAULT_SHAPE,
    linkLimit: 5,
    hourlyBudget: 2000,
    settings: DEFAULT_CAMPAIGN_SETTINGS,
    reconcileEverySeconds: 5,
    waitRetrySeconds: 5,
    waitEverySeconds,
    horizonSeconds: 12 * 3600,
    logLevel: 'error',
  };
}

function per(total: number, completed: number): number {
  return completed === 0 ? Number.NaN : total / completed;
}

/** The figures of one mode, keyed campaign.<mode>.<figure>. */
export function campaignFigures(result: CampaignResult): Figure[] {
  const id = (name: string) => `campaign.${result.mode}.${name}`;
  const label = (text: string) => `campaign ${result.mode}: ${text}`;
  const authPer = per(result.authSecondsOfCompleted, result.completed);
  const figures = [
    figure(
      id('completed'),
      label(`onboardings completed of ${result.invitations}`),
      result.completed,
      'onboardings',
    ),
    figure(
      id('completed_by_reconciliation'),
      label('of them completed by reconciliation'),
      result.completedByReconciliation,
      'onboardings',
    ),
    figure(
      id('refused'),
      label('creations refused (POST /v1/onboardings)'),
      result.refused,
      'onboardings',
    ),
    figure(
      id('upstream_refused'),
      label('upstream link creations refused (403)'),
      result.upstreamRefused,
      'requests',
    ),
    figure(
      id('last_completion'),
      label('time until the last completion'),
      result.lastCompletionSeconds ?? Number.NaN,
      's',
    ),
    figure(id('max_open'), label('most OPEN links at once'), result.mostOpenAtOnce, 'links'),
    figure(
      id('upstream_requests'),
      label('upstream API requests'),
      result.upstreamRequests,
      'requests',
    ),
    figure(
      id('upstream_per_completion'),
      label('upstream requests per completion'),
      per(result.upstreamRequests, result.completed),
      'requests',
      { value: PHYSICAL_REQUESTS_PER_COMPLETION, against: 'physical limit: 1 create + 1 read' },
    ),
    figure(
      id('open_seconds_per_completion'),
      label('OPEN-link-seconds per completion (until used or expired)'),
      per(result.openLinkSeconds, result.completed),
      's',
      { value: authPer, against: "physical limit: the customer's own authentication time" },
    ),
    figure(
      id('auth_seconds_per_completion'),
      label("customers' own authentication time per completion"),
      authPer,
      's',
    ),
  ];
  if (result.mode === 'on_open') {
    const waits = percentiles(result.waits);
    figures.push(
      figure(
        id('waiting_pages'),
        label('waiting pages served (503)'),
        result.waitingPages,
        'pages',
      ),
      figure(id('wait_p50'), label('arrival → login page p50'), waits.p50, 's'),
      figure(id('wait_max'), label('arrival → login page max'), waits.max, 's'),
    );
  }
  figures.push(
    figure(
      id('never_reached_login'),
      label('invited customers who never saw the login page'),
      result.neverReachedLogin,
      'customers',
    ),
    figure(id('simulated'), label('simulated time'), result.simulatedSeconds, 's'),
    figure(id('wall'), label('wall time'), result.wallSeconds, 's'),
  );
  return figures;
}

export function campaignChecks(result: CampaignResult): Check[] {
  return [
    {
      what: `campaign ${result.mode}: each step answered as the contract says, every authenticated onboarding completed`,
      ok: result.problems.length === 0,
      detail:
        result.problems.length === 0
          ? `${result.completed} of ${result.authenticated}`
          : result.problems.join('; '),
    },
  ];
}

/** How close a mode comes to the physical limit, in one line. */
export function closenessNote(result: CampaignResult): string {
  const requests =
    per(result.upstreamRequests, result.completed) / PHYSICAL_REQUESTS_PER_COMPLETION;
  const open = per(result.openLinkSeconds, result.authSecondsOfCompleted);
  return (
    `campaign ${result.mode}: ${result.completed}/${result.invitations} completed; ` +
    `${requests.toFixed(2)}× the physical limit in upstream requests, ${open.toFixed(2)}× in OPEN-link time`
  );
}

/** "on_open" beside "now", figure by figure, in one line. */
export function comparisonNote(onOpen: CampaignResult, now: CampaignResult): string {
  const pair = (a: number | null, b: number | null, digits = 0) =>
    `${a === null ? '–' : a.toFixed(digits)} vs ${b === null ? '–' : b.toFixed(digits)}`;
  return (
    `campaign on_open vs now: ${pair(onOpen.completed, now.completed)} completed; ` +
    `last completion ${pair(onOpen.lastCompletionSeconds, now.lastCompletionSeconds)} s; ` +
    `${pair(per(onOpen.upstreamRequests, onOpen.completed), per(now.upstreamRequests, now.completed), 1)} upstream requests ` +
    `and ${pair(per(onOpen.openLinkSeconds, onOpen.completed), per(now.openLinkSeconds, now.completed))} OPEN-link-seconds per completion`
  );
}

export interface CampaignPhase {
  figures: Figure[];
  checks: Check[];
  notes: string[];
}

export async function measureCampaign(options: CampaignOptions): Promise<CampaignPhase> {
  const phase: CampaignPhase = { figures: [], checks: [], notes: [] };
  if (options.waitEverySeconds !== null)
    phase.notes.push(
      `campaign: waiting pages re-submitted every ${options.waitEverySeconds} s (--campaign-wait-every), not after their Retry-After`,
    );
  const results = new Map<CreateLinkMode, CampaignResult>();
  for (const mode of CAMPAIGN_MODES) {
    progress(
      `campaign "${mode}": ${options.shape.customers} invitations on a simulated clock (seed ${options.seed})`,
    );
    const result = await runCampaign(mode, options);
    if (!result.supported) {
      phase.notes.push(
        `campaign ${mode}: skipped, the receiver refuses create_link "${mode}" (422): invitations are not in this build`,
      );
      continue;
    }
    phase.figures.push(...campaignFigures(result));
    phase.checks.push(...campaignChecks(result));
    phase.notes.push(closenessNote(result));
    results.set(mode, result);
  }
  const onOpen = results.get('on_open');
  const now = results.get('now');
  if (onOpen && now) phase.notes.push(comparisonNote(onOpen, now));
  return phase;
}
