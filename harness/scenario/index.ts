/**
 * The scenario module: the scenario file schema (v1), YAML loading with every problem reported
 * at once, durations, and the built-in scenarios. Pure except that the loader reads files.
 */
export { formatDuration, parseDuration } from './duration.js';
export { listBuiltins, loadScenarios, resolveScenarioRef, validateOverrides, type LoadOptions, type ScenarioOverrides } from './load.js';
export { MAX_SCENARIO_BYTES } from './read-yaml.js';
export {
  FAULT_KINDS,
  LIMITS,
  NAME_PATTERN,
  ScenarioFile,
  toScenarioFile,
  validateScenario,
  type ArmSpec,
  type FaultSpec,
  type LoadSpec,
  type Scenario,
  type TopologySpec,
} from './schema.js';
export { SYSCTL_RULES, sysctlRule, type SysctlRule } from './sysctls.js';
