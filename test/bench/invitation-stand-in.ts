// A stand-in receiver that keeps the invitations contract in the plainest way ("on_open" only): start
// links, a link made when the customer arrives, recycling at the link limit, a waiting page; it talks to
// the simulator over its API, so the campaign driver can be checked before the real receiver has them.
import type { ManualClock } from '../../src/lib/clock';
import type {
  CompletedOnboarding,
  CreateLinkMode,
  Creation,
  StartAnswer,
} from '../../bench/campaign-client';
import type { CampaignReceiver } from '../../bench/campaign-driver';
import { CAMPAIGN_PUBLIC_URL } from '../../bench/campaign-service';
import type { CampaignUpstream } from '../../bench/campaign-upstream';

interface StandInLink {
  linkId: string;
  loginUrl: string;
  sentMs: number;
}

interface StandInOnboarding {
  links: StandInLink[];
  completed: CompletedOnboarding | null;
}

export interface StandInOptions {
  clock: ManualClock;
  upstream: CampaignUpstream;
  recycleAfterSeconds: number;
  /** Seconds the waiting page asks for; null sends no Retry-After. */
  retryAfterSeconds: number | null;
  /** Answer every creation 422, as a receiver without invitations does. */
  refuseOnOpen?: boolean;
}

export interface StartVisit {
  onboardingId: string;
  atMs: number;
  answer: StartAnswer['kind'];
}

export interface StandIn extends CampaignReceiver {
  /** Upstream API requests this stand-in sent. */
  requestsSent(): number;
  /** Every POST /start it answered, in order. */
  readonly visits: StartVisit[];
}

export function createInvitationStandIn(options: StandInOptions): StandIn {
  const { clock, upstream } = options;
  const onboardings = new Map<string, StandInOnboarding>();
  let sent = 0;
  /** Closed links read without a login (recycled ones): never read again. */
  const readWithoutLogin = new Set<string>();
  const visits: StartVisit[] = [];

  async function api(method: string, path: string, body?: object) {
    sent += 1;
    const res = await fetch(`${upstream.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${upstream.apiKey}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown> } };
  }

  const isOpen = (link: StandInLink) => upstream.sim.getLink(link.linkId)?.status_code === 'OPEN';

  function complete(id: string, via: 'callback' | 'reconciliation'): void {
    const onboarding = onboardings.get(id)!;
    onboarding.completed ??= { onboardingId: id, completedMs: clock.now(), via };
  }

  async function createLink(id: string): Promise<StandInLink | null> {
    const created = await api('POST', '/ds/login/link', {
      ds_id: 'GA',
      expiry_time: '1 hour',
      redirect_url: `${CAMPAIGN_PUBLIC_URL}/callback?state=${id}`,
    });
    if (created.status !== 201) return null;
    const data = created.body.data!;
    const link = {
      linkId: String(data.link_id),
      loginUrl: String(data.login_url),
      sentMs: clock.now(),
    };
    onboardings.get(id)!.links.unshift(link);
    return link;
  }

  /** The OPEN link whose customer was sent to it longest ago, if that was long enough ago. */
  function recyclable(): StandInLink | null {
    const open = [...onboardings.values()]
      .filter((o) => o.completed === null)
      .flatMap((o) => o.links.filter(isOpen))
      .sort((a, b) => a.sentMs - b.sentMs);
    const oldest = open[0];
    return oldest && clock.now() - oldest.sentMs > options.recycleAfterSeconds * 1000
      ? oldest
      : null;
  }

  async function answerStart(id: string): Promise<StartAnswer> {
    const onboarding = onboardings.get(id)!;
    if (onboarding.completed) return { kind: 'completed' };
    const newest = onboarding.links[0];
    if (newest && isOpen(newest)) return { kind: 'login', loginUrl: newest.loginUrl };
    let link = await createLink(id);
    if (!link) {
      const slot = recyclable();
      if (slot) {
        await api('PUT', `/ds/login/link/${slot.linkId}/close`);
        link = await createLink(id);
      }
    }
    if (!link) return { kind: 'waiting', retryAfterSeconds: options.retryAfterSeconds };
    return { kind: 'login', loginUrl: link.loginUrl };
  }

  return {
    requestsSent: () => sent,
    visits,

    async createOnboarding(mode: CreateLinkMode): Promise<Creation> {
      if (options.refuseOnOpen || mode !== 'on_open')
        return { ok: false, status: 422, code: 'UNPROCESSABLE_ENTITY' };
      const id = `onb_standin${String(onboardings.size).padStart(4, '0')}`;
      onboardings.set(id, { links: [], completed: null });
      return {
        ok: true,
        onboardingId: id,
        linkId: null,
        loginUrl: null,
        startUrl: `${CAMPAIGN_PUBLIC_URL}/start/${id}.secret`,
      };
    },

    async postStart(startUrl: string): Promise<StartAnswer> {
      const id = new URL(startUrl).pathname.split('/')[2]!.split('.')[0]!;
      const answer = await answerStart(id);
      visits.push({ onboardingId: id, atMs: clock.now(), answer: answer.kind });
      return answer;
    },

    async followCallback(redirectUrl: string) {
      const query = new URL(redirectUrl).searchParams;
      const id = query.get('state')!;
      const read = await api('GET', `/ds/login/link/${query.get('link_id')}`);
      const link = read.body.data;
      if (
        !link?.login_id ||
        link.redirect_verifier !== query.get('link_verifier') ||
        !onboardings.get(id)?.links.some((l) => l.linkId === link.link_id)
      )
        return { completed: false, status: 400 };
      complete(id, 'callback');
      return { completed: true, status: 303 };
    },

    async listCompleted() {
      return [...onboardings.values()].flatMap((o) => (o.completed ? [o.completed] : []));
    },

    async reconcileOnce() {
      const pending = [...onboardings].filter(([, o]) => !o.completed && o.links.length > 0);
      if (pending.length === 0) return;
      // One list call says which links closed; only those are read one by one.
      const listed = await api('GET', '/ds/login/links');
      const closed = new Set(
        (listed.body.data as unknown as { link_id: string; status_code: string }[])
          .filter((l) => l.status_code === 'CLOSED')
          .map((l) => l.link_id),
      );
      for (const [id, onboarding] of pending)
        for (const link of onboarding.links) {
          if (!closed.has(link.linkId) || readWithoutLogin.has(link.linkId)) continue;
          const read = await api('GET', `/ds/login/link/${link.linkId}`);
          if (read.body.data?.login_id) complete(id, 'reconciliation');
          else readWithoutLogin.add(link.linkId);
        }
    },

    async isCompleted(onboardingId: string) {
      return onboardings.get(onboardingId)?.completed != null;
    },
  };
}
