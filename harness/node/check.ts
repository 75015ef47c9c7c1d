/**
 * `checkNode`: the whole check of one node, as one `NodeCheckReport` (the
 * `resetlab/node-check@1` document that `--json` prints). Reading is `gatherFacts`; the
 * rest is pure (`reportFromFacts`).
 */
import { analyze, type Analysis } from './analyze.js';
import type { NodeFacts } from './facts.js';
import { findings, type Finding } from './findings.js';
import { gatherFacts } from './gather.js';
import type { NodeFs } from './node-fs.js';
import { decideVerdict, type NodeVerdict } from './verdict.js';

/** The result of checking one node. Extend with optional fields; never rename or remove. */
export interface NodeCheckReport extends Analysis {
  schema: 'resetlab/node-check@1';
  findings: Finding[];
  verdict: NodeVerdict;
}

/** Builds the report from facts already read. */
export function reportFromFacts(facts: NodeFacts): NodeCheckReport {
  const analysis = analyze(facts);
  return { schema: 'resetlab/node-check@1', ...analysis, findings: findings(analysis), verdict: decideVerdict(analysis) };
}

/** Reads one node through `fs` and checks it. */
export async function checkNode(fs: NodeFs): Promise<NodeCheckReport> {
  return reportFromFacts(await gatherFacts(fs));
}
