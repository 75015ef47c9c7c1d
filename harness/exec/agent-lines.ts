/**
 * Pure reader of an agent's output (agents/protocol.ts): feed it chunks as they arrive, in
 * any split; it calls back per JSON event (`ready`, `tick`, `count`, `result`, `error`) and keeps the
 * `result`, with the fields of a later `result-more` event merged in (what an agent learns only
 * after its result, e.g. the load agent's quiet teardown); it also keeps the
 * last lines that are not events (stderr, or a container log's non-JSON lines) for messages.
 * Used for a local process's stdout and for a container's log stream alike.
 */

/** One parsed event line. */
export type AgentLineEvent = Record<string, unknown> & { event: string };

/** Callbacks of `AgentLines`. */
export interface AgentLineHandlers {
  ready?(event: AgentLineEvent): void;
  /** A warm-started agent is loaded and waits for its start signal. */
  armed?(event: AgentLineEvent): void;
  tick?(event: AgentLineEvent): void;
  /** The load agent's early-stop counts (`countEveryMs`). */
  count?(event: AgentLineEvent): void;
  result?(event: AgentLineEvent): void;
  error?(event: AgentLineEvent): void;
}

/** Splits chunks into lines and dispatches events; see module doc. Holds no resources. */
export class AgentLines {
  private buffered = '';
  private readonly others: string[] = [];
  /** The `result` event, once seen. */
  result: AgentLineEvent | null = null;

  constructor(
    private readonly handlers: AgentLineHandlers = {},
    private readonly keepOther = 40,
  ) {}

  /** Feeds a chunk of output. */
  feed(chunk: string | Buffer): void {
    this.buffered += chunk.toString();
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      this.line(line);
    }
  }

  /** Processes what is left when the stream ends (a last line without newline). */
  end(): void {
    if (this.buffered !== '') this.line(this.buffered);
    this.buffered = '';
  }

  /** The non-event lines kept (the last `keepOther`), joined. */
  otherText(): string {
    return this.others.join('\n');
  }

  private line(raw: string): void {
    const line = raw.replace(/\r$/, '');
    let event: unknown;
    try {
      event = line.trim().startsWith('{') ? JSON.parse(line) : undefined;
    } catch {
      event = undefined;
    }
    if (!event || typeof event !== 'object' || typeof (event as { event?: unknown }).event !== 'string') {
      if (line.trim() !== '') {
        this.others.push(line);
        if (this.others.length > this.keepOther) this.others.shift();
      }
      return;
    }
    const e = event as AgentLineEvent;
    if (e.event === 'result') this.result = e;
    if (e.event === 'result-more' && this.result) this.result = { ...this.result, ...e, event: 'result' };
    const handler = this.handlers[e.event as keyof AgentLineHandlers];
    handler?.(e);
  }
}
