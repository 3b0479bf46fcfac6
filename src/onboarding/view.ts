// The wire form of an onboarding (README "Integrator API", Onboarding): the stored record minus the state hash.
import type { OnboardingRecord } from '../store/store';

export type OnboardingView = Omit<
  OnboardingRecord,
  'state_hash' | 'verifier_hash' | 'require_username' | 'user_id'
> & {
  require_username: string | null;
};

export function toOnboardingView(record: OnboardingRecord): OnboardingView {
  return {
    onboarding_id: record.onboarding_id,
    status: record.status,
    ds_id: record.ds_id,
    ds_name: record.ds_name,
    link_id: record.link_id,
    login_url: record.login_url,
    description: record.description,
    require_username: record.require_username,
    return_url: record.return_url,
    metadata: record.metadata,
    created_time: record.created_time,
    expiry_time: record.expiry_time,
    completed_time: record.completed_time,
    completed_via: record.completed_via,
    login_id: record.login_id,
    login_username: record.login_username,
    login_time: record.login_time,
    last_error: record.last_error,
  };
}
