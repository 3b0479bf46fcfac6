// Names of well-known Supermetrics data sources; any other ds_id is accepted and named by its id.

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
  return DATA_SOURCE_NAMES[dsId] ?? dsId;
}
