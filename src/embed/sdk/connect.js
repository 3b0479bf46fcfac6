// login-link-receiver's browser SDK: connect(startUrl) opens an invitation's start link in a popup (or
// navigates to it) and settles when the onboarding does. No dependencies; served by GET /sdk/connect.js.

const POLL_MS = 2500;
const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;

function failure(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}

/** The start link; for a popup, with the opener's origin (the receiver posts only to an allowed one). */
function startLinkOf(startUrl, popup) {
  let url;
  try {
    url = new URL(startUrl, location.href);
  } catch {
    return null;
  }
  if (!/^\/start\/[^/]+$/.test(url.pathname)) return null;
  url.search = '';
  if (popup) url.searchParams.set('origin', location.origin);
  return url;
}

/**
 * Opens the start link and resolves with { onboarding_id, status: "completed" }; rejects with an Error
 * whose `code` is EXPIRED, CANCELLED, POPUP_BLOCKED, TIMEOUT, INVALID_START_URL or a callback code.
 * Call it from a click handler: browsers block popups opened at any other time.
 */
export function connect(startUrl, options = {}) {
  const url = startLinkOf(startUrl, options.mode !== 'redirect');
  if (!url) return Promise.reject(failure('INVALID_START_URL', 'Not a start link.'));
  if (options.mode === 'redirect') {
    // The page goes away; the result comes back through the onboarding's return_url.
    location.assign(url.href);
    return new Promise(() => {});
  }
  const popup = window.open(url.href, 'llr_connect', 'popup,width=520,height=720');
  if (!popup)
    return Promise.reject(
      failure('POPUP_BLOCKED', 'The browser blocked the window: call connect() from a click.'),
    );
  const statusUrl = `${url.origin}${url.pathname}/status`;

  return new Promise((resolve, reject) => {
    let settled = false;
    let pollTimer;
    const deadline = setTimeout(
      () => settle(failure('TIMEOUT', 'The connection was not completed in time.')),
      options.timeoutMs || DEFAULT_TIMEOUT_MS,
    );

    function settle(error, result) {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(pollTimer);
      window.removeEventListener('message', onMessage);
      if (error) reject(error);
      else resolve(result);
    }

    function onStatus(body) {
      if (!body) return;
      if (body.status === 'completed')
        settle(null, { onboarding_id: body.onboarding_id, status: 'completed' });
      else if (body.status === 'expired') settle(failure('EXPIRED', 'The invitation has expired.'));
      else if (body.status === 'cancelled')
        settle(failure('CANCELLED', 'The invitation was cancelled.'));
      else if (body.status === 'failed' && body.code)
        settle(failure(body.code, 'The account could not be connected.'));
    }

    // The receiver's result page posts here when the opener survived the login pages.
    function onMessage(event) {
      if (event.origin !== url.origin || !event.data || event.data.type !== 'llr:result') return;
      onStatus(event.data);
    }
    window.addEventListener('message', onMessage);

    // Login pages may cut window.opener (Cross-Origin-Opener-Policy), which also makes popup.closed
    // read true while the window is open: polling completes the flow alone, and a closed popup is
    // never taken as the customer giving up.
    async function poll() {
      try {
        const answer = await fetch(statusUrl, { credentials: 'omit', cache: 'no-store' });
        if (answer.ok) onStatus(await answer.json());
      } catch {
        // Offline for a moment: the next poll tries again.
      }
      if (!settled) pollTimer = setTimeout(poll, POLL_MS);
    }
    pollTimer = setTimeout(poll, POLL_MS);
  });
}
