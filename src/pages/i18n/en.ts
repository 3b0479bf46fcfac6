// The end-customer pages in English (also the language when the browser asks for none we have).
import type { Catalogue } from './catalogue';

const account = (ds: string | null) => (ds ? `your ${ds} account` : 'your account');

export const en: Catalogue = {
  lang: 'en',
  start: {
    heading: (ds, brand) => `Connect ${account(ds)}${brand ? ` to ${brand}` : ''}`,
    next: (ds) =>
      `On the next page you sign in${ds ? ` with ${ds}` : ''}. It takes about a minute.`,
    continue: 'Continue',
  },
  waiting: {
    heading: 'Please wait a moment',
    body: (ds) =>
      `Many people are connecting their accounts right now. This page tries again by itself every few seconds and takes you to ${ds ?? 'the sign-in page'} as soon as it can. You do not need to do anything.`,
    tryNow: 'Try now',
  },
  success: {
    title: 'Account connected',
    heading: (ds, brand) =>
      `${ds ? `Your ${ds} account` : 'Your account'} is connected${brand ? ` to ${brand}` : ''}`,
    body: (brand) =>
      `Everything is set up. You can close this window and return to ${brand ?? 'the application'}.`,
  },
  processing: {
    title: 'Confirming your connection',
    heading: 'We are confirming your connection',
    body: (ds) =>
      `Your ${ds ? `${ds} ` : ''}sign-in has reached us, and we are confirming it in the background. This can take a few minutes.`,
    close: (brand) =>
      `You can close this window${brand ? ` and return to ${brand}` : ''}: you do not need to do anything else.`,
  },
  failure: {
    title: 'Connection not completed',
    heading: 'Your account was not connected',
    advice: {
      INVALID_REQUEST: 'The address of this page is incomplete or damaged.',
      STATE_INVALID: 'This sign-in link has expired or has already been used.',
      LINK_MISMATCH: 'This sign-in belongs to a different connection attempt.',
      VERIFIER_MISMATCH: 'We could not verify this sign-in.',
      LOGIN_INCOMPLETE:
        'Your sign-in was not confirmed: it may not have finished, or it used a different account from the one requested.',
      LINK_NOT_FOUND: 'This sign-in link is no longer valid.',
      UPSTREAM_UNAVAILABLE:
        'The sign-in service is not answering right now. Wait a minute, then reload this page.',
      SERVICE_UNAVAILABLE:
        'Our service is briefly unavailable. Wait a minute, then reload this page.',
      TOO_MANY_REQUESTS:
        'There have been too many attempts from your network. Wait a minute, then reload this page.',
    },
    otherAdvice: 'Something went wrong on our side.',
    tryAgainHint: 'Select Try again to start over.',
    startOverHint: 'Go back to where you started connecting your account, and start again.',
    tryAgain: 'Try again',
    reference: 'If you contact support, mention this code:',
  },
  ended: {
    heading: 'This invitation has ended',
    body: 'It has expired or was withdrawn. Ask the person who sent it to you for a new one.',
  },
  unknownLink: {
    heading: 'This link is not valid',
    body: 'It may have been replaced by a newer one. Use the most recent link you were sent, or ask for a new one.',
  },
  refused: {
    heading: 'This invitation cannot be used',
    body: 'The sign-in could not be prepared for this invitation. Ask the person who sent it to you to check it and send you a new one.',
  },
};
