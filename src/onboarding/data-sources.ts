// The receiver's own names of well-known data sources: an "on_open" onboarding has no upstream link yet to
// tell its ds_name, so its start page names the source from here (the ds_id itself when unknown).

const DATA_SOURCE_NAMES: Readonly<Record<string, string>> = {
  AC: 'Microsoft Advertising (Bing)',
  AW: 'Google Ads',
  FA: 'Facebook Ads',
  FB: 'Facebook Insights',
  GA: 'Google Analytics',
  GAWA: 'Google Analytics 4',
  GSC: 'Google Search Console',
  IG: 'Instagram Insights',
  LIA: 'LinkedIn Ads',
  TW: 'Twitter Ads',
};

export function dataSourceName(dsId: string): string {
  return Object.hasOwn(DATA_SOURCE_NAMES, dsId) ? DATA_SOURCE_NAMES[dsId]! : dsId;
}
