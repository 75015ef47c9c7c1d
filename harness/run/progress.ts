/** Progress events the pipeline emits while running (the CLI renders them on stderr). */
export type ProgressEvent =
  | { type: 'phase'; message: string }
  | { type: 'arm-start'; arm: string; trial: number; trials: number; durationSec: number }
  | { type: 'tick'; arm: string; trial: number; second: number; durationSec: number; requestsPerSec: number; resetsSoFar: number }
  | { type: 'arm-end'; arm: string; trial: number; requests: number; resets: number };
