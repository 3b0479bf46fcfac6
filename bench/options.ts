// The bench's command line: --quick (small counts), --cpu-prof (profile the callback phase), experiments.
export interface BenchOptions {
  quick: boolean;
  cpuProf: boolean;
  /** Concurrent connections of the load generator. */
  connections: number;
  baselineWarmupSeconds: number;
  baselineSeconds: number;
  /** Callbacks completed before the timed phase (JIT warm-up, connection set-up). */
  warmupCallbacks: number;
  /** Distinct onboardings completed in the timed phase; default: the warm-up rate × callbackSeconds. */
  callbacks: number | null;
  callbackSeconds: number;
  /** Sequential POST /v1/onboardings (and upstream POST) samples. */
  serialSamples: number;
  webhookRate: number;
  webhookSeconds: number;
  backlogEvents: number;
  logLevel: string;
  /** Run only the invitation campaign (in-process, simulated clock), no load phases. */
  campaignOnly: boolean;
  /** Skip the invitation campaign. */
  campaign: boolean;
  /** The campaign's PRNG seed: the same seed, the same customers and the same figures. */
  campaignSeed: number;
  /** The campaign's waiting pages re-submit every N s instead of after their Retry-After (fewer requests, coarser figures). */
  campaignWaitEvery: number | null;
}

const USAGE =
  'usage: npm run bench -- [--quick] [--cpu-prof] [--callbacks N] [--backlog N] ' +
  '[--campaign-only | --no-campaign] [--campaign-seed N] [--campaign-wait-every N]';

function readCount(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a whole number (${USAGE})`);
  return n;
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const options: BenchOptions = {
    quick,
    cpuProf: argv.includes('--cpu-prof'),
    connections: 50,
    baselineWarmupSeconds: quick ? 1 : 2,
    baselineSeconds: quick ? 4 : 10,
    warmupCallbacks: quick ? 1000 : 2000,
    callbacks: null,
    callbackSeconds: quick ? 8 : 20,
    serialSamples: quick ? 200 : 500,
    webhookRate: 200,
    webhookSeconds: quick ? 4 : 10,
    backlogEvents: 10000,
    logLevel: process.env.LOG_LEVEL ?? 'info',
    campaignOnly: argv.includes('--campaign-only'),
    campaign: !argv.includes('--no-campaign'),
    campaignSeed: 1,
    campaignWaitEvery: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--callbacks') options.callbacks = readCount(arg, argv[++i]);
    else if (arg === '--backlog') options.backlogEvents = readCount(arg, argv[++i]);
    else if (arg === '--campaign-seed') options.campaignSeed = readCount(arg, argv[++i]);
    else if (arg === '--campaign-wait-every') options.campaignWaitEvery = readCount(arg, argv[++i]);
    else if (!['--quick', '--cpu-prof', '--campaign-only', '--no-campaign'].includes(arg))
      throw new Error(`unknown argument ${arg} (${USAGE})`);
  }
  if (options.campaignOnly && !options.campaign)
    throw new Error(`--campaign-only and --no-campaign exclude each other (${USAGE})`);
  if (options.callbacks !== null && options.callbacks < options.connections)
    throw new Error(`--callbacks must be at least ${options.connections}`);
  return options;
}
