// Names of well-known Supermetrics data sources, by ds_id: the simulator answers with them, and the
// receiver names an "on_open" onboarding's source with them before its first link tells ds_name.
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
