// The simulator's in-memory login links and the upstream's status rules: expiry, 90-day removal.
import { isoSeconds, type Clock } from '../lib/clock';
import { randomToken, type RandomSource } from '../lib/ids';
import type { LoginLink, LoginLinkSummary } from '../supermetrics/types';
import { dataSourceName } from '../supermetrics/data-sources';

const REMOVAL_AGE_MS = 90 * 24 * 60 * 60 * 1000;
const USER_ID = 'usr_1';
const USER_EMAIL = 'info@supermetrics.com';
/** Started attempts kept per link (the newest), so a page reloaded in a loop cannot grow memory. */
const MAX_ATTEMPTS_PER_LINK = 64;

export interface NewLink {
  dsId: string;
  expiryMs: number;
  description: string;
  requireUsername: string;
  redirectUrl: string;
  /** Base of login_url, no trailing slash. */
  publicUrl: string;
}

interface StoredLink {
  /** status_code here is what was set (OPEN, CLOSED, or forced); expiry is applied on read. */
  link: LoginLink;
  createdMs: number;
  expiryMs: number;
  loginToken: string;
  /** API GETs left that still show the login fields as null (simulated upstream lag). */
  hiddenLoginReads: number;
  /** Authentication attempts started (login page opened) while the link was OPEN. */
  attempts: Set<string>;
}

export class LinkStore {
  private readonly links = new Map<string, StoredLink>();
  private readonly linkIdsByToken = new Map<string, string>();
  /** Links whose stored status_code is OPEN (expired or not), so the link limit is not a full scan. */
  private readonly openIds = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {}

  create(input: NewLink): LoginLink {
    const now = this.clock.now();
    const linkId = `dsll_${randomToken(18, this.random)}`;
    const loginToken = randomToken(24, this.random);
    const link: LoginLink = {
      link_id: linkId,
      status_code: 'OPEN',
      description: input.description,
      ds_id: input.dsId,
      ds_name: dataSourceName(input.dsId),
      require_username: input.requireUsername,
      redirect_url: input.redirectUrl,
      redirect_verifier: randomToken(32, this.random),
      user_id: USER_ID,
      user_email: USER_EMAIL,
      login_url: `${input.publicUrl}/datasource/login/${loginToken}`,
      created_time: isoSeconds(now),
      expiry_time: isoSeconds(input.expiryMs),
      login_id: null,
      login_time: null,
      login_username: null,
    };
    this.links.set(linkId, {
      link,
      createdMs: now,
      expiryMs: input.expiryMs,
      loginToken,
      hiddenLoginReads: 0,
      attempts: new Set(),
    });
    this.linkIdsByToken.set(loginToken, linkId);
    this.openIds.add(linkId);
    return this.view(this.links.get(linkId)!);
  }

  /** Whether at least `limit` links are OPEN; O(1) while fewer links than that exist at all. */
  hasOpenAtLeast(limit: number): boolean {
    return this.links.size >= limit && this.countOpen() >= limit;
  }

  private countOpen(): number {
    let open = 0;
    for (const linkId of this.openIds) {
      const stored = this.live(linkId);
      if (stored && this.statusOf(stored) === 'OPEN') open += 1;
    }
    return open;
  }

  /**
   * The list endpoint's entries in creation order (the reference states no order, so clients
   * must not rely on one); the upstream's list omits the redirect and login fields.
   */
  list(): LoginLinkSummary[] {
    return this.liveLinks().map((stored) => toSummary(this.view(stored)));
  }

  /** The link as GET returns it; an API GET (consume = true) uses up one lagged read. */
  get(linkId: string, consume = false): LoginLink | null {
    const stored = this.live(linkId);
    if (!stored) return null;
    const link = this.view(stored);
    if (consume && stored.hiddenLoginReads > 0) stored.hiddenLoginReads -= 1;
    return link;
  }

  linkIdForLoginToken(token: string): string | null {
    const linkId = this.linkIdsByToken.get(token);
    return linkId !== undefined && this.live(linkId) ? linkId : null;
  }

  /** Records a started authentication attempt and returns its id; the caller has checked the link is OPEN. */
  startAttempt(linkId: string): string {
    const stored = this.live(linkId);
    if (!stored) throw new Error(`Unknown login link ${linkId}`);
    const attemptId = randomToken(18, this.random);
    stored.attempts.add(attemptId);
    if (stored.attempts.size > MAX_ATTEMPTS_PER_LINK) {
      const oldest = stored.attempts.values().next().value as string;
      stored.attempts.delete(oldest);
    }
    return attemptId;
  }

  /** Whether attemptId was started on this link while it was OPEN. */
  hasStartedAttempt(linkId: string, attemptId: string): boolean {
    return this.live(linkId)?.attempts.has(attemptId) ?? false;
  }

  /** Whether an authentication succeeded on the link (also while its login fields read as null). */
  hasLogin(linkId: string): boolean {
    const stored = this.live(linkId);
    return stored !== null && stored.link.login_id !== null;
  }

  updateDescription(linkId: string, description: string): LoginLink | null {
    const stored = this.live(linkId);
    if (!stored) return null;
    stored.link.description = description;
    return this.view(stored);
  }

  /** Closing a link that is already CLOSED or EXPIRED leaves it as it is: the reference says nothing
   * of closing twice, and a close that reopened or re-dated a link would be the odder reading. */
  close(linkId: string): LoginLink | null {
    const stored = this.live(linkId);
    if (!stored) return null;
    if (this.statusOf(stored) === 'OPEN') this.setStatus(linkId, stored, 'CLOSED');
    return this.view(stored);
  }

  /** Records a successful authentication; the caller has checked that the link may take it. */
  markAuthenticated(linkId: string, username: string, hiddenLoginReads: number): LoginLink {
    const stored = this.live(linkId);
    if (!stored) throw new Error(`Unknown login link ${linkId}`);
    this.setStatus(linkId, stored, 'CLOSED');
    Object.assign(stored.link, {
      login_id: `dsl_${randomToken(12, this.random)}`,
      login_username: username,
      login_time: isoSeconds(this.clock.now()),
    });
    stored.hiddenLoginReads = Math.max(0, Math.floor(hiddenLoginReads));
    // One login per link: no other started attempt can finish now.
    stored.attempts.clear();
    return this.view(stored);
  }

  /** Test hook: overwrites stored fields; created_time and expiry_time also move the rules' clocks. */
  patch(linkId: string, patch: Partial<LoginLink>): void {
    const stored = this.links.get(linkId);
    if (!stored) throw new Error(`Unknown login link ${linkId}`);
    if (patch.link_id !== undefined && patch.link_id !== linkId)
      throw new Error('setLink cannot change link_id');
    Object.assign(stored.link, patch);
    if (patch.status_code !== undefined) this.setStatus(linkId, stored, patch.status_code);
    if (patch.created_time !== undefined) stored.createdMs = parseTime(patch.created_time);
    if (patch.expiry_time !== undefined) stored.expiryMs = parseTime(patch.expiry_time);
  }

  private liveLinks(): StoredLink[] {
    return [...this.links.keys()]
      .map((linkId) => this.live(linkId))
      .filter((stored): stored is StoredLink => stored !== null);
  }

  /** The stored link, unless it is older than 90 days: the upstream removes those, whatever their state. */
  private live(linkId: string): StoredLink | null {
    const stored = this.links.get(linkId);
    if (!stored) return null;
    if (this.clock.now() - stored.createdMs > REMOVAL_AGE_MS) {
      this.links.delete(linkId);
      this.linkIdsByToken.delete(stored.loginToken);
      this.openIds.delete(linkId);
      return null;
    }
    return stored;
  }

  private setStatus(linkId: string, stored: StoredLink, status: LoginLink['status_code']): void {
    stored.link.status_code = status;
    if (status === 'OPEN') this.openIds.add(linkId);
    else this.openIds.delete(linkId);
  }

  private statusOf(stored: StoredLink): LoginLink['status_code'] {
    const status = stored.link.status_code;
    return status === 'OPEN' && this.clock.now() >= stored.expiryMs ? 'EXPIRED' : status;
  }

  private view(stored: StoredLink): LoginLink {
    const link = { ...stored.link, status_code: this.statusOf(stored) };
    if (stored.hiddenLoginReads > 0) {
      link.login_id = null;
      link.login_time = null;
      link.login_username = null;
    }
    return link;
  }
}

const FIELDS_NOT_LISTED = [
  'redirect_url',
  'redirect_verifier',
  'login_id',
  'login_time',
  'login_username',
] as const;

function toSummary(link: LoginLink): LoginLinkSummary {
  const summary: Partial<LoginLink> = { ...link };
  for (const field of FIELDS_NOT_LISTED) delete summary[field];
  return summary as LoginLinkSummary;
}

function parseTime(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`Not an ISO 8601 time: ${text}`);
  return ms;
}
