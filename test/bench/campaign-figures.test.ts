// The campaign's report: figure ids per mode, ratios to the physical limit, the check and the notes.
import {
  campaignChecks,
  campaignFigures,
  closenessNote,
  comparisonNote,
} from '../../bench/campaign';
import type { CampaignResult } from '../../bench/campaign-driver';

function result(overrides: Partial<CampaignResult> = {}): CampaignResult {
  return {
    mode: 'on_open',
    supported: true,
    invitations: 200,
    refused: 0,
    upstreamRefused: 3,
    completed: 100,
    completedByReconciliation: 5,
    authenticated: 100,
    lastCompletionSeconds: 5000,
    mostOpenAtOnce: 5,
    upstreamRequests: 300,
    openLinkSeconds: 30_000,
    authSecondsOfCompleted: 15_000,
    waitingPages: 40,
    waits: [0, 10, 20],
    neverReachedLogin: 0,
    problems: [],
    simulatedSeconds: 5000,
    wallSeconds: 3,
    ...overrides,
  };
}

describe('campaign figures', () => {
  it('keys every figure campaign.<mode>.<figure>', () => {
    const keys = campaignFigures(result({ mode: 'now' })).map((f) => f.key);
    expect(keys).toEqual(
      expect.arrayContaining(['campaign.now.completed', 'campaign.now.refused']),
    );
    expect(keys.every((k) => k.startsWith('campaign.now.'))).toBe(true);
    expect(keys).not.toContain('campaign.now.waiting_pages');
    expect(campaignFigures(result()).map((f) => f.key)).toContain('campaign.on_open.waiting_pages');
  });

  it('takes requests and OPEN-link time per completion against the physical limit', () => {
    const byKey = new Map(campaignFigures(result()).map((f) => [f.key, f]));
    const requests = byKey.get('campaign.on_open.upstream_per_completion')!;
    expect(requests.value).toBe(3);
    expect(requests.ratio).toBe(1.5);
    const open = byKey.get('campaign.on_open.open_seconds_per_completion')!;
    expect(open.value).toBe(300);
    expect(open.ratio).toBe(2);
    expect(byKey.get('campaign.on_open.auth_seconds_per_completion')!.value).toBe(150);
  });

  it('says how close a mode comes, and compares "on_open" with "now"', () => {
    expect(closenessNote(result())).toBe(
      'campaign on_open: 100/200 completed; 1.50× the physical limit in upstream requests, 2.00× in OPEN-link time',
    );
    const now = result({ mode: 'now', completed: 4, upstreamRequests: 424, openLinkSeconds: 8000 });
    expect(comparisonNote(result(), now)).toBe(
      'campaign on_open vs now: 100 vs 4 completed; last completion 5000 vs 5000 s; ' +
        '3.0 vs 106.0 upstream requests and 300 vs 2000 OPEN-link-seconds per completion',
    );
  });

  it('fails the check with the problems the run met', () => {
    expect(campaignChecks(result())[0]!.ok).toBe(true);
    const failed = campaignChecks(result({ problems: ['customer 3: callback answered 503'] }))[0]!;
    expect(failed.ok).toBe(false);
    expect(failed.detail).toContain('callback answered 503');
  });
});
