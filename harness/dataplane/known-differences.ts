/**
 * Differences between the real kube-proxy v1.20.2's iptables rules and resetlab's v1.20 model
 * that are known and kept on purpose, each with its reason and source. The conformance test
 * (test/integration/conformance.test.ts) fails on any other difference and on an entry here
 * that no longer occurs. Filled from the real binary's output (normalised, conformance.ts).
 */
import type { KnownDifference } from './conformance.js';

/** Known differences for v1.20 in iptables mode. */
export const KNOWN_DIFFERENCES_V1_20: KnownDifference[] = [];
