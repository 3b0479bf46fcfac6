// One invitation campaign, set up: the simulator and the receiver (built by the composition root) on one
// simulated clock and a private key prefix, driven by the campaign driver, then taken down.
import { ManualClock } from '../src/lib/clock';
import { CampaignClient, type CreateLinkMode } from './campaign-client';
import {
  driveCampaign,
  settle,
  type CampaignReceiver,
  type CampaignResult,
  type DriveOptions,
} from './campaign-driver';
import { planCustomers, seededPrng, seededRandomSource, type CampaignShape } from './campaign-plan';
import {
  startCampaignService,
  type CampaignService,
  type CampaignSettings,
} from './campaign-service';
import { startCampaignUpstream } from './campaign-upstream';
import { OpenLinkLedger } from './open-link-ledger';
import type { LevelWithSilent } from 'pino';

export type { CampaignResult } from './campaign-driver';

export interface CampaignOptions extends DriveOptions {
  redisUrl: string;
  /** Key prefix; each mode adds its own suffix. */
  prefix: string;
  seed: number;
  shape: CampaignShape;
  linkLimit: number;
  hourlyBudget: number;
  settings: CampaignSettings;
  logLevel: LevelWithSilent;
}

export const DEFAULT_CAMPAIGN_SETTINGS: CampaignSettings = {
  linkTtlSeconds: 3600,
  linkRecycleAfterSeconds: 600,
  reconcileIntervalSeconds: 60,
};

const HOUR_MS = 3600 * 1000;

/** The key prefix of one mode's receiver. */
export function modePrefix(prefix: string, mode: CreateLinkMode): string {
  return `${prefix}${mode.replace('_', '')}`;
}

/** The receiver over HTTP, with its reconciler and storage reached in-process (it is never started). */
export function httpReceiver(client: CampaignClient, receiver: CampaignService): CampaignReceiver {
  return {
    createOnboarding: (mode, tag) => client.createOnboarding(mode, tag),
    postStart: (startUrl) => client.postStart(startUrl),
    followCallback: (redirectUrl) => client.followCallback(redirectUrl),
    listCompleted: () => client.listCompleted(),
    reconcileOnce: async () => {
      await receiver.service.reconciler.runOnce();
    },
    isCompleted: async (onboardingId) =>
      (await receiver.service.storage.onboardings.getOnboarding(onboardingId))?.status ===
      'completed',
  };
}

export async function runCampaign(
  mode: CreateLinkMode,
  options: CampaignOptions,
): Promise<CampaignResult> {
  const wallStart = performance.now();
  const plans = planCustomers(options.seed, options.shape);
  // The next whole hour: the upstream's second-resolution times say exactly what the clock said, and the
  // reconciler's hourly budget windows (aligned on the epoch) fall the same way in every run.
  const t0 = Math.ceil(Date.now() / HOUR_MS) * HOUR_MS;
  const clock = new ManualClock(t0);
  // The mode in the seed: the two worlds draw different ids but the same customers.
  const random = seededRandomSource(
    seededPrng(options.seed ^ (mode === 'now' ? 0x6e6f77 : 0x6f6f70)),
  );
  const ledger = new OpenLinkLedger();
  const upstream = await startCampaignUpstream({
    clock,
    random,
    linkLimit: options.linkLimit,
    hourlyBudget: options.hourlyBudget,
    onCreated: (link) => ledger.opened(link.linkId, link.createdMs, link.expiryMs),
  });
  const service = await startCampaignService({
    redisUrl: options.redisUrl,
    prefix: modePrefix(options.prefix, mode),
    clock,
    random,
    upstream: { apiUrl: upstream.apiUrl, apiKey: upstream.apiKey },
    settings: options.settings,
    logLevel: options.logLevel,
  }).catch(async (err: unknown) => {
    await upstream.close();
    throw err;
  });
  const client = new CampaignClient(service.url);
  try {
    const receiver = httpReceiver(client, service);
    const result = await driveCampaign(
      mode,
      plans,
      { clock, t0, upstream, ledger, receiver },
      options,
    );
    result.wallSeconds = (performance.now() - wallStart) / 1000;
    return result;
  } finally {
    await settle(upstream);
    await client.close();
    await service.close();
    await upstream.close();
  }
}
