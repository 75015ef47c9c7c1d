/**
 * Pure parsers for what the cluster reports about kube-proxy: its ConfigMap's
 * `config.conf` (KubeProxyConfiguration YAML), its pods' images (version), and its log
 * line "Using <mode> Proxier" (the mode that actually runs, which can differ from the
 * configured one on old kube-proxy versions that fell back to iptables). Each throws
 * "failed to parse <source>: ..." on input it does not understand. Tested on fixtures in
 * test/fixtures/kind/.
 */
import { parse } from 'yaml';
import type { KubeProxyMode } from '../kind/config.js';

/** What kube-proxy's ConfigMap says. */
export interface KubeProxyConfigFacts {
  /** The configured mode; an empty `mode` means kube-proxy's Linux default, iptables. */
  mode: KubeProxyMode;
  /** True when `mode` was empty and iptables is kube-proxy's default. */
  modeDefaulted: boolean;
  /** `iptables.masqueradeAll` (ipvs and iptables modes) or `nftables.masqueradeAll` (nftables). */
  masqueradeAll: boolean;
  /** `conntrack.tcpBeLiberal` (kube-proxy >= 1.29), or null when the field is absent. */
  tcpBeLiberal: boolean | null;
}

function fail(source: string, message: string): Error {
  return new Error(`failed to parse ${source}: ${message}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses `kubectl -n kube-system get cm kube-proxy -o jsonpath='{.data.config\.conf}'`. */
export function parseKubeProxyConfig(text: string): KubeProxyConfigFacts {
  const source = 'the kube-proxy ConfigMap (config.conf)';
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw fail(source, (error as Error).message.split('\n')[0] ?? 'not YAML');
  }
  if (!isObject(doc) || doc.kind !== 'KubeProxyConfiguration') throw fail(source, 'expected a KubeProxyConfiguration document');
  const rawMode = doc.mode ?? '';
  if (typeof rawMode !== 'string' || !['', 'ipvs', 'iptables', 'nftables'].includes(rawMode)) {
    throw fail(source, `unsupported mode ${JSON.stringify(rawMode)}`);
  }
  const mode = (rawMode || 'iptables') as KubeProxyMode;
  const section = doc[mode === 'nftables' ? 'nftables' : 'iptables'];
  const conntrack = doc.conntrack;
  const liberal = isObject(conntrack) ? conntrack.tcpBeLiberal : undefined;
  return {
    mode,
    modeDefaulted: rawMode === '',
    masqueradeAll: isObject(section) && section.masqueradeAll === true,
    tcpBeLiberal: typeof liberal === 'boolean' ? liberal : null,
  };
}

/** One kube-proxy pod: its name, node and the image it runs. */
export interface KubeProxyPod {
  name: string;
  node: string;
  image: string;
  /** The image tag when it looks like a Kubernetes version (`v1.33.1`), else null. */
  version: string | null;
}

/** jsonpath that prints one `name<TAB>node<TAB>image` line per kube-proxy pod (for `parseKubeProxyPods`). */
export const KUBE_PROXY_PODS_JSONPATH =
  '{range .items[*]}{.metadata.name}{"\\t"}{.spec.nodeName}{"\\t"}{.spec.containers[0].image}{"\\n"}{end}';

/** Parses the lines printed with `KUBE_PROXY_PODS_JSONPATH`; throws when there is none. */
export function parseKubeProxyPods(text: string): KubeProxyPod[] {
  const pods = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((line, i) => {
      const [name, node, image, extra] = line.split('\t');
      if (!name || !node || !image || extra !== undefined) {
        throw fail('kube-proxy pods', `line ${i + 1}: expected "name<TAB>node<TAB>image", got "${line}"`);
      }
      const tag = /:([^:/@]+)(?:@sha256:[0-9a-f]+)?$/.exec(image)?.[1] ?? null;
      return { name, node, image, version: tag && /^v\d+\.\d+\.\d+/.test(tag) ? tag : null };
    });
  if (pods.length === 0) throw fail('kube-proxy pods', 'no kube-proxy pod found (is kube-proxy disabled?)');
  return pods;
}

/**
 * The mode from kube-proxy's own log: the last `Using <mode> Proxier` line (klog text
 * `"Using ipvs Proxier"` on current versions, `Using ipvs Proxier.` on old ones), or null
 * when the log does not say (rotated away, or a very different version).
 */
export function parseProxierFromLogs(text: string): KubeProxyMode | null {
  const all = [...text.matchAll(/Using (ipvs|iptables|nftables) Proxier/g)];
  return (all.at(-1)?.[1] as KubeProxyMode | undefined) ?? null;
}
