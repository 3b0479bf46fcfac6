// Settings a running simulator can change (in-process or over /_simulator/settings): login page headers.

/** The values of Cross-Origin-Opener-Policy a browser knows. */
export const OPENER_POLICIES = [
  'unsafe-none',
  'same-origin-allow-popups',
  'same-origin',
  'noopener-allow-popups',
] as const;

export type OpenerPolicy = (typeof OPENER_POLICIES)[number];

export interface SimulatorSettings {
  /**
   * Cross-Origin-Opener-Policy on the hosted login pages, or null for none (the default).
   * Third-party login pages often send same-origin, which cuts window.opener of a popup.
   */
  loginPageOpenerPolicy: OpenerPolicy | null;
}

export const DEFAULT_SETTINGS: Readonly<SimulatorSettings> = { loginPageOpenerPolicy: null };

/** Why a settings patch cannot be applied, or null when it is fine. */
export function settingsProblem(patch: unknown): string | null {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
    return 'settings must be an object';
  const unknown = Object.keys(patch).find((key) => !(key in DEFAULT_SETTINGS));
  if (unknown !== undefined) return `${unknown} is not a setting`;
  const policy = (patch as Record<string, unknown>).loginPageOpenerPolicy;
  if (policy !== undefined && policy !== null && !OPENER_POLICIES.includes(policy as OpenerPolicy))
    return `loginPageOpenerPolicy must be null or one of ${OPENER_POLICIES.join(', ')}`;
  return null;
}
