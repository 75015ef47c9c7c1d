// Minimal types for the parts of autocannon 8.0.0 that resetlab uses (the package ships none).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';
  interface Histogram {
    average: number; mean: number; stddev: number; min: number; max: number; total: number;
    p50: number; p90: number; p99: number; p99_9?: number; p2_5?: number; p97_5?: number;
  }
  interface Result {
    duration: number; errors: number; timeouts: number; non2xx: number; '2xx': number;
    latency: Histogram; requests: Histogram & { sent: number }; throughput: Histogram;
  }
  interface Client extends EventEmitter {
    pipelinedRequests: { clear(): void; addBody(data: unknown): void };
    parser: { initialize(type: unknown): void; type: unknown };
    /** Internal (pinned version): destroys the current socket; `destroyed` is set by `destroy()` first. */
    _destroyConnection(): void;
    /** Internal (pinned version): opens a new socket as `conn` (on start, after an error, a FIN or a timeout). */
    _connect(): void;
    destroyed: boolean;
    conn: import('node:net').Socket;
  }
  interface Options {
    url: string; connections?: number; duration?: number; amount?: number; pipelining?: number;
    timeout?: number; workers?: number; setupClient?: (client: Client) => void;
  }
  interface Instance extends EventEmitter { stop(): void }
  function autocannon(opts: Options, cb?: (err: Error | null, result: Result) => void): Instance;
  export default autocannon;
  export type { Client, Result, Options, Instance };
}
