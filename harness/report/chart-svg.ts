/**
 * Renders a Vega-Lite spec to a standalone SVG string in Node, at build time: vega-lite
 * compiles it, a headless vega `View` (renderer 'none') draws it, `toSVG()` returns the markup.
 * No network: specs carry their data inline. vega and vega-lite are loaded lazily, on the
 * first render, so commands that never render HTML do not pay for them.
 */
import type { TopLevelSpec } from 'vega-lite';
import { esc } from './html-parts.js';

/**
 * Returns the SVG markup for `spec`. Every `id` in the SVG (vega numbers clip paths and
 * gradients from 1 in each render) gets `idPrefix` so several SVGs can share one HTML page.
 * Vega's warnings are discarded (nothing is printed); errors, including those vega only logs
 * from its dataflow, are thrown as
 * "failed to render chart <idPrefix>" with the cause chained. The view is finalized here.
 */
export async function renderSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  try {
    const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
    const quiet = vega.logger(vega.None);
    const compiled = vl.compile(spec, { logger: quiet }).spec;
    // Warnings are dropped; an error inside vega's dataflow (e.g. an expression on a field a
    // legend's datum lacks) would otherwise be swallowed and leave a half-laid-out SVG.
    const errors: unknown[] = [];
    const logger = vega.logger(vega.Error);
    logger.error = (...args: readonly unknown[]) => {
      errors.push(args[0]);
      return logger;
    };
    const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
    try {
      const svg = await view.toSVG();
      if (errors.length > 0) throw errors[0] instanceof Error ? errors[0] : new Error(String(errors[0]));
      return prefixIds(svg, idPrefix);
    } finally {
      view.finalize();
    }
  } catch (error) {
    throw new Error(`failed to render chart ${idPrefix}: ${(error as Error).message}`, { cause: error });
  }
}

/** Prefixes every `id="x"` and its references (`url(#x)`, `href="#x"`) with `prefix-`. Pure. */
export function prefixIds(svg: string, prefix: string): string {
  const ids = new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
  if (ids.size === 0) return svg;
  const rename = (id: string) => (ids.has(id) ? `${prefix}-${id}` : id);
  return svg
    .replace(/(\sid=")([^"]+)"/g, (_, head: string, id: string) => `${head}${rename(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${rename(id)})`)
    .replace(/(href=")#([^"]+)"/g, (_, head: string, id: string) => `${head}#${rename(id)}"`);
}

/** A chart to place on a page: id (for anchors and SVG ids), title, one-sentence caption, spec. */
export interface PageChart {
  id: string;
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

/**
 * Renders charts as `<figure>`s in a `<div class="charts">`, SVG ids prefixed with
 * `<idPrefix>-<id>`. A chart that fails to draw shows its error message instead of breaking
 * the page. Escapes titles and captions.
 */
export async function chartFigures(charts: readonly PageChart[], idPrefix: string): Promise<string> {
  const figures = await Promise.all(
    charts.map(async (c) => {
      let body: string;
      try {
        body = await renderSvg(c.spec, `${idPrefix}-${c.id}`);
      } catch (error) {
        body = `<p class="chart-error">${esc((error as Error).message)}</p>`;
      }
      return `<figure id="chart-${c.id}"><h3>${esc(c.title)}</h3><figcaption>${esc(c.caption)}</figcaption>${body}</figure>`;
    }),
  );
  return `<div class="charts">${figures.join('')}</div>`;
}
