import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/helpers/reports.js';
import { renderJUnit, UNMEASURED, xmlEscape } from './junit.js';

interface Element { name: string; attrs: Record<string, string>; children: Element[]; text: string }

/** A tiny XML parser for these tests: elements, attributes, text; throws on anything ill-formed. */
function parseXml(xml: string): Element {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: Element = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  const token = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  while (token.lastIndex < body.length) {
    m = token.exec(body);
    if (!m) throw new Error(`ill-formed XML at ${token.lastIndex}: ${body.slice(token.lastIndex, token.lastIndex + 40)}`);
    const [, close, name, attrText, selfClose, text] = m;
    const top = stack[stack.length - 1]!;
    if (text !== undefined) {
      if (/&(?!(?:amp|lt|gt|quot|apos|#\d+);)/.test(text)) throw new Error(`bare & in text: ${text}`);
      top.text += text;
    } else if (close) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
    } else {
      const attrs = Object.fromEntries([...attrText!.matchAll(/([\w:.-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]));
      const el: Element = { name: name!, attrs, children: [], text: '' };
      top.children.push(el);
      if (!selfClose) stack.push(el);
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  return root;
}
const all = (el: Element, name: string): Element[] => [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => all(c, name))];

describe('renderJUnit', () => {
  const reproduced = loadFixture('ci-over-window');
  const clean = loadFixture('ci-none');

  it('one testcase per scenario; a wrong verdict is a failure, a run error is an error', () => {
    const xml = renderJUnit([
      { scenario: 'over-window', expected: 'reproduced', report: reproduced },
      { scenario: 'none', expected: 'reproduced', report: clean },
      { scenario: 'broken', expected: 'reproduced', report: null, error: 'failed to provision lab: <boom> & "worse"' },
    ]);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    const doc = parseXml(xml);
    const [suites] = all(doc, 'testsuites');
    expect(suites!.attrs).toMatchObject({ name: 'resetlab check', tests: '3', failures: '1', errors: '1' });
    const cases = all(doc, 'testcase');
    expect(cases.map((c) => [c.attrs.classname, c.attrs.name, c.attrs.time])).toEqual([
      ['resetlab', 'over-window', reproduced.elapsedSec.toFixed(3)],
      ['resetlab', 'none', clean.elapsedSec.toFixed(3)],
      ['resetlab', 'broken', '0.000'],
    ]);
    expect(all(cases[0]!, 'failure')).toHaveLength(0);
    const [failure] = all(cases[1]!, 'failure');
    expect(failure!.attrs.message).toMatch(/^expected reproduced, got not-reproduced: Not reproduced: no resets in 148517 requests/);
    const [error] = all(cases[2]!, 'error');
    expect(error!.attrs.message).toBe('failed to provision lab: &lt;boom&gt; &amp; &quot;worse&quot;');
    expect(all(doc, 'system-out')).toHaveLength(2);
  });

  it('an unmeasured case (no expectation entry) is skipped with what it gave, never a failure', () => {
    const doc = parseXml(renderJUnit([
      { scenario: 'over-window [ipvs, kernel 6.12]', expected: UNMEASURED, report: clean },
      { scenario: 'none', expected: 'reproduced', report: clean },
    ]));
    const [suites] = all(doc, 'testsuites');
    expect(suites!.attrs).toMatchObject({ tests: '2', failures: '1', errors: '0', skipped: '1' });
    const [first] = all(doc, 'testcase');
    expect(all(first!, 'failure')).toHaveLength(0);
    expect(all(first!, 'skipped')[0]!.attrs.message).toBe('no expectation for this kernel and mode (unmeasured): it gave not-reproduced');
  });

  it('escapes names and strips characters XML cannot carry', () => {
    const xml = renderJUnit([{ scenario: 'a<b>&"c"\u0001', expected: 'not-fixed', report: reproduced }], 'suite "x" <y>');
    const doc = parseXml(xml);
    expect(all(doc, 'testcase')[0]!.attrs.name).toBe('a&lt;b&gt;&amp;&quot;c&quot;');
    expect(all(doc, 'testsuite')[0]!.attrs.name).toBe('suite &quot;x&quot; &lt;y&gt;');
    expect(all(doc, 'failure')).toHaveLength(1);
  });

  it('an empty check is a valid empty suite', () => {
    const doc = parseXml(renderJUnit([]));
    expect(all(doc, 'testsuite')[0]!.attrs).toMatchObject({ tests: '0', failures: '0', errors: '0' });
  });

  it('xmlEscape keeps line breaks as character references in attributes', () => {
    expect(xmlEscape("a\nb\t'c'")).toBe('a&#10;b\t&apos;c&apos;');
  });
});
