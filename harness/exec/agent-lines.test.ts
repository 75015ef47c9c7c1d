import { describe, expect, it } from 'vitest';
import { AgentLines, type AgentLineEvent } from './agent-lines.js';

describe('AgentLines', () => {
  const cases: [string, string[], string[], string][] = [
    ['whole lines', ['{"event":"ready"}\n{"event":"result","requests":3}\n'], ['ready', 'result'], ''],
    ['split anywhere', ['{"event":"re', 'ady"}\n{"ev', 'ent":"tick"}\n'], ['ready', 'tick'], ''],
    ['non-JSON lines are kept as text', ['npm warn x\n{"event":"ready"}\nboom\n'], ['ready'], 'npm warn x\nboom'],
    ['JSON without event is text', ['{"a":1}\n'], [], '{"a":1}'],
    ['CRLF', ['{"event":"error","message":"m"}\r\n'], ['error'], ''],
  ];
  it.each(cases)('%s', (_name, chunks, events, other) => {
    const seen: string[] = [];
    const h = (e: AgentLineEvent) => seen.push(e.event);
    const lines = new AgentLines({ ready: h, tick: h, result: h, error: h });
    chunks.forEach((c) => lines.feed(c));
    lines.end();
    expect(seen).toEqual(events);
    expect(lines.otherText()).toBe(other);
  });

  it('keeps the result and a last line without newline', () => {
    const lines = new AgentLines();
    lines.feed('{"event":"result","requests":7}');
    expect(lines.result).toBeNull();
    lines.end();
    expect(lines.result).toEqual({ event: 'result', requests: 7 });
  });

  it('keeps only the last lines of text', () => {
    const lines = new AgentLines({}, 2);
    lines.feed('a\nb\nc\n');
    expect(lines.otherText()).toBe('b\nc');
  });
});

describe('AgentLines result-more', () => {
  it('merges a later result-more into the result (the load agent\'s teardown), and ignores one without a result', () => {
    const lines = new AgentLines();
    lines.feed('{"event":"result-more","connections":[1]}\n');
    expect(lines.result).toBeNull();
    lines.feed('{"event":"result","requests":5,"connections":[]}\n{"event":"result-more","connections":[{"port":1}]}\n');
    expect(lines.result).toEqual({ event: 'result', requests: 5, connections: [{ port: 1 }] });
  });
});
