import { describe, expect, it } from 'vitest';
import { describeAgentExit } from './agent-process.js';

describe('why an agent gave no result', () => {
  // The shape Node 20 prints for an uncaught exception (the load agent's in a 6.1 guest ended so,
  // and the report showed only the stack's tail, without the error itself).
  const stderr = [
    '/app/node_modules/hdr-histogram-percentiles-obj/index.js:52',
    '    return hist.getMean()',
    '                ^',
    '',
    "TypeError: Cannot read properties of null (reading 'getMean')",
    '    at getMean (/app/node_modules/hdr-histogram-percentiles-obj/index.js:52:17)',
    '    at module.exports.histAsObj (/app/node_modules/hdr-histogram-percentiles-obj/index.js:22:26)',
    '    at aggregateResult (/app/node_modules/autocannon/lib/aggregateResult.js:71:55)',
    '    at Timeout.tickInterval (/app/node_modules/autocannon/lib/run.js:140:69)',
    '    at listOnTimeout (node:internal/timers:583:11)',
    '',
    'Node.js v20.20.2',
  ].join('\n');

  it('names the error a stack trace starts with, then the tail', () => {
    const d = describeAgentExit({ result: null, killedAtDeadline: false, stderr, exitCode: 1 });
    expect(d).toMatch(/^exit 1; stderr: TypeError: Cannot read properties of null \(reading 'getMean'\) \.\.\. /);
    expect(d).toContain('Node.js v20.20.2');
  });
  it('says the tail alone when it holds the error, and says when there is no stderr', () => {
    expect(describeAgentExit({ result: null, killedAtDeadline: false, stderr: 'Error: listen EADDRINUSE', exitCode: 1 })).toBe('exit 1; stderr: Error: listen EADDRINUSE');
    expect(describeAgentExit({ result: null, killedAtDeadline: true, stderr: '', signal: 'SIGKILL' })).toBe('killed by SIGKILL at its deadline; no stderr');
  });
});
