// What the onboarding steps tell the metrics: each status transition (ops/metrics.ts counts them).

/** Transitions counted by llr_onboardings_total{status}. */
export type OnboardingTransition = 'created' | 'completed' | 'cancelled' | 'expired';

/** The one recorder the onboarding service and the completion step need (kept narrow for their deps). */
export interface OnboardingMetrics {
  onboardingTransition(status: OnboardingTransition): void;
}
