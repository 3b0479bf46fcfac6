// The open-link index's member `<onboardingId> <linkId>`: both are checked key parts, which hold no
// whitespace, so the one space splits a member back unambiguously.
import * as check from './checks';
import type { OpenLinkEntry } from './store';

export function linkMember(onboardingId: string, linkId: string): string {
  return `${check.onboardingId(onboardingId)} ${check.linkId(linkId)}`;
}

export function linkEntry(member: string, sentMs: number): OpenLinkEntry {
  const space = member.indexOf(' ');
  return { onboardingId: member.slice(0, space), linkId: member.slice(space + 1), sentMs };
}
