// The campaign's HTTP traffic to the receiver: the integrator's API calls, and each customer's browser
// steps (the start link, the callback), sent where PUBLIC_URL would have taken them.
import { Pool } from 'undici';
import { CAMPAIGN_API_KEY, CAMPAIGN_PUBLIC_URL, CAMPAIGN_RETURN_URL } from './campaign-service';

export type CreateLinkMode = 'now' | 'on_open';

export type Creation =
  | {
      ok: true;
      onboardingId: string;
      linkId: string | null;
      loginUrl: string | null;
      startUrl: string | null;
    }
  | { ok: false; status: number; code: string | null };

/** What the browser got from POST /start/<token>. */
export type StartAnswer =
  | { kind: 'login'; loginUrl: string }
  | { kind: 'waiting'; retryAfterSeconds: number | null }
  | { kind: 'completed' }
  | { kind: 'page'; status: number };

export interface CompletedOnboarding {
  onboardingId: string;
  completedMs: number;
  via: 'callback' | 'reconciliation' | null;
}

const BROWSER_HEADERS = {
  // The receiver trusts one proxy hop, which is where TLS would end.
  'x-forwarded-proto': 'https',
  accept: 'text/html',
  'accept-language': 'en',
};

/** The path and query of a URL under PUBLIC_URL; anything else is a bug in what the bench was given. */
function pathUnderPublicUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.origin !== new URL(CAMPAIGN_PUBLIC_URL).origin)
    throw new Error(`expected a URL under ${CAMPAIGN_PUBLIC_URL}, got ${parsed.origin}`);
  return `${parsed.pathname}${parsed.search}`;
}

function retryAfterOf(header: string | string[] | undefined): number | null {
  const value = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(value) && value >= 0 ? value : null;
}

export class CampaignClient {
  private readonly pool: Pool;

  constructor(serviceUrl: string) {
    this.pool = new Pool(serviceUrl, { connections: 4 });
  }

  /** POST /v1/onboardings; "now" sends no create_link, so it runs on a receiver without invitations too. */
  async createOnboarding(mode: CreateLinkMode, tag: string): Promise<Creation> {
    const body: Record<string, unknown> = {
      ds_id: 'GA',
      description: `campaign ${tag}`,
      return_url: CAMPAIGN_RETURN_URL,
    };
    if (mode === 'on_open') body.create_link = 'on_open';
    const res = await this.pool.request({
      method: 'POST',
      path: '/v1/onboardings',
      headers: { authorization: `Bearer ${CAMPAIGN_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await res.body.json()) as {
      data?: {
        onboarding_id: string;
        link_id: string | null;
        login_url: string | null;
        start_url?: string | null;
      };
      error?: { code?: string };
    };
    if (res.statusCode !== 201 || !answer.data)
      return { ok: false, status: res.statusCode, code: answer.error?.code ?? null };
    return {
      ok: true,
      onboardingId: answer.data.onboarding_id,
      linkId: answer.data.link_id,
      loginUrl: answer.data.login_url,
      startUrl: answer.data.start_url ?? null,
    };
  }

  /** The Continue button (and the waiting page's own re-submission): POST /start/<token>. */
  async postStart(startUrl: string): Promise<StartAnswer> {
    const res = await this.pool.request({
      method: 'POST',
      path: pathUnderPublicUrl(startUrl),
      headers: { ...BROWSER_HEADERS, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    await res.body.dump();
    const location = res.headers.location;
    if (res.statusCode === 303 && typeof location === 'string') {
      if (location.startsWith(CAMPAIGN_RETURN_URL)) return { kind: 'completed' };
      return { kind: 'login', loginUrl: location };
    }
    if (res.statusCode === 503)
      return { kind: 'waiting', retryAfterSeconds: retryAfterOf(res.headers['retry-after']) };
    return { kind: 'page', status: res.statusCode };
  }

  /** The browser arriving at redirect_url; true when it was sent on with status=completed. */
  async followCallback(redirectUrl: string): Promise<{ completed: boolean; status: number }> {
    const res = await this.pool.request({
      method: 'GET',
      path: pathUnderPublicUrl(redirectUrl),
      headers: BROWSER_HEADERS,
    });
    await res.body.dump();
    const location = res.headers.location;
    const completed =
      res.statusCode === 303 &&
      typeof location === 'string' &&
      new URL(location).searchParams.get('status') === 'completed';
    return { completed, status: res.statusCode };
  }

  /** Every completed onboarding, through the API's paged list. */
  async listCompleted(): Promise<CompletedOnboarding[]> {
    const found: CompletedOnboarding[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10_000; page++) {
      const query = new URLSearchParams({ status: 'completed', limit: '100' });
      if (cursor) query.set('cursor', cursor);
      const res = await this.pool.request({
        method: 'GET',
        path: `/v1/onboardings?${query.toString()}`,
        headers: { authorization: `Bearer ${CAMPAIGN_API_KEY}` },
      });
      const answer = (await res.body.json()) as {
        data: { onboarding_id: string; completed_time: string; completed_via?: string | null }[];
        meta: { next_cursor?: string | null };
      };
      if (res.statusCode !== 200) throw new Error(`GET /v1/onboardings answered ${res.statusCode}`);
      for (const item of answer.data)
        found.push({
          onboardingId: item.onboarding_id,
          completedMs: Date.parse(item.completed_time),
          via: (item.completed_via as CompletedOnboarding['via']) ?? null,
        });
      cursor = answer.meta.next_cursor ?? null;
      if (!cursor || answer.data.length === 0) return found;
    }
    throw new Error('GET /v1/onboardings did not end');
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
