// Reads a .cpuprofile: self time per function (and per file or package), largest first.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  selfMs: number;
  percent: number;
}

/** Where a script lives, shortened: a package name, node:internal, or the path under the repo. */
export function shortLocation(url: string): string {
  if (url === '') return '(native/VM)';
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const dist = url.indexOf('/dist/');
  return dist === -1 ? url.replace(/^file:\/\//, '') : url.slice(dist + '/dist/'.length);
}

function selfTimes(profile: CpuProfile): Map<number, number> {
  const byNode = new Map<number, number>();
  // timeDeltas[i] is the time since the previous sample: it belongs to sample i-1.
  for (let i = 1; i < profile.samples.length; i++) {
    const node = profile.samples[i - 1]!;
    byNode.set(node, (byNode.get(node) ?? 0) + profile.timeDeltas[i]!);
  }
  return byNode;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  functions: SelfTime[];
  locations: SelfTime[];
  /** Self time charged to the innermost src/ function on the stack (what our code caused). */
  ownCode: SelfTime[];
}

const NO_SRC_FRAME = '(no src/ frame: event loop, TLS, HTTP parsing, GC, socket reads)';

/** The innermost frame of ours (dist/src/…) on the node's stack, if any. */
function nearestSrcFrame(
  id: number,
  nodes: Map<number, ProfileNode>,
  parents: Map<number, number>,
): { name: string; where: string } | null {
  for (
    let current: number | undefined = id;
    current !== undefined;
    current = parents.get(current)
  ) {
    const frame = nodes.get(current)!.callFrame;
    if (frame.url.includes('/dist/src/'))
      return {
        name: frame.functionName || '(anonymous)',
        where: `${shortLocation(frame.url)}:${frame.lineNumber + 1}`,
      };
  }
  return null;
}

export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id);
  const ownCode = new Map<string, SelfTime>();
  const functions = new Map<string, SelfTime>();
  const locations = new Map<string, SelfTime>();
  let totalUs = 0;
  for (const [id, us] of selfTimes(profile)) {
    const frame = nodes.get(id)!.callFrame;
    totalUs += us;
    const where = frame.url
      ? `${shortLocation(frame.url)}:${frame.lineNumber + 1}`
      : shortLocation(frame.url);
    const name = frame.functionName || '(anonymous)';
    const key = `${name}@${where}`;
    const entry = functions.get(key) ?? { name, where, selfMs: 0, percent: 0 };
    entry.selfMs += us / 1000;
    functions.set(key, entry);
    const location = shortLocation(frame.url);
    const loc = locations.get(location) ?? { name: location, where: '', selfMs: 0, percent: 0 };
    loc.selfMs += us / 1000;
    locations.set(location, loc);
    const own = nearestSrcFrame(id, nodes, parents) ?? { name: NO_SRC_FRAME, where: '' };
    const ownKey = `${own.name}@${own.where}`;
    const ownEntry = ownCode.get(ownKey) ?? { ...own, selfMs: 0, percent: 0 };
    ownEntry.selfMs += us / 1000;
    ownCode.set(ownKey, ownEntry);
  }
  const rank = (entries: Iterable<SelfTime>) =>
    [...entries]
      .map((e) => ({ ...e, percent: (100 * e.selfMs * 1000) / totalUs }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top);
  return {
    file,
    totalMs: totalUs / 1000,
    functions: rank(functions.values()),
    locations: rank(locations.values()),
    ownCode: rank(ownCode.values()),
  };
}

export function formatProfile(summary: ProfileSummary): string {
  const line = (e: SelfTime) =>
    `  ${e.selfMs.toFixed(0).padStart(7)} ms ${e.percent.toFixed(1).padStart(5)} %  ${e.name}${e.where ? `  ${e.where}` : ''}`;
  return [
    `CPU profile of the service during the callback phase (${summary.totalMs.toFixed(0)} ms sampled): ${summary.file}`,
    'Top self time by function:',
    ...summary.functions.map(line),
    'Top self time by file or package:',
    ...summary.locations.slice(0, 10).map(line),
    'Self time charged to the innermost src/ function on the stack (callees in node_modules and node: included):',
    ...summary.ownCode.map(line),
  ].join('\n');
}
