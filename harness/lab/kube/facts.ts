/**
 * Pure parsers for what a cluster the user has says about itself, through kubectl: its
 * nodes (`kubectl get nodes -o json`), the API server's version (`kubectl version -o json`),
 * the CNI node A's kubelet uses (the first file of /etc/cni/net.d, as the kubelet picks it),
 * and SelfSubjectAccessReview answers. Each throws "failed to parse <source>: ..." on input it
 * does not understand. Tested on output captured from the guest's kind cluster
 * (test/fixtures/kube/).
 */

function fail(source: string, message: string): Error {
  return new Error(`failed to parse ${source}: ${message}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function parseJson(text: string, source: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw fail(source, (error as Error).message);
  }
  if (!isObject(doc)) throw fail(source, 'expected a JSON object');
  return doc;
}

/** A taint as the Node carries it. */
export interface NodeTaint {
  key: string;
  value?: string;
  effect: string;
}

/** One node, as far as the driver cares. */
export interface ClusterNode {
  name: string;
  ready: boolean;
  unschedulable: boolean;
  taints: NodeTaint[];
  internalIP: string | null;
  kernelVersion: string | null;
  kubeletVersion: string | null;
  osImage: string | null;
  containerRuntime: string | null;
  os: string | null;
}

/** Parses `kubectl get nodes -o json`. */
export function parseNodes(text: string): ClusterNode[] {
  const source = 'kubectl get nodes -o json';
  const doc = parseJson(text, source);
  if (!Array.isArray(doc.items)) throw fail(source, 'expected a List with items');
  return doc.items.map((item: unknown, i) => {
    if (!isObject(item) || !isObject(item.metadata) || typeof item.metadata.name !== 'string') throw fail(source, `item ${i}: no metadata.name`);
    const spec = isObject(item.spec) ? item.spec : {};
    const status = isObject(item.status) ? item.status : {};
    const info = isObject(status.nodeInfo) ? status.nodeInfo : {};
    const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isObject) : [];
    const addresses = Array.isArray(status.addresses) ? status.addresses.filter(isObject) : [];
    const taints = (Array.isArray(spec.taints) ? spec.taints.filter(isObject) : []).map((t) => ({
      key: String(t.key ?? ''),
      ...(typeof t.value === 'string' ? { value: t.value } : {}),
      effect: String(t.effect ?? ''),
    }));
    const labels = isObject(item.metadata.labels) ? item.metadata.labels : {};
    return {
      name: item.metadata.name,
      ready: conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
      unschedulable: spec.unschedulable === true,
      taints,
      internalIP: str(addresses.find((a) => a.type === 'InternalIP')?.address),
      kernelVersion: str(info.kernelVersion),
      kubeletVersion: str(info.kubeletVersion),
      osImage: str(info.osImage),
      containerRuntime: str(info.containerRuntimeVersion),
      os: str(info.operatingSystem) ?? str(labels['kubernetes.io/os']),
    };
  });
}

/** The API server's `gitVersion` from `kubectl version -o json`. */
export function parseServerVersion(text: string): string {
  const source = 'kubectl version -o json';
  const doc = parseJson(text, source);
  const v = isObject(doc.serverVersion) ? str(doc.serverVersion.gitVersion) : null;
  if (!v) throw fail(source, 'no serverVersion.gitVersion');
  return v;
}

/** The CNI a kubelet uses: its network name and plugin types (first conf file of the directory). */
export interface CniFacts {
  file: string;
  name: string | null;
  plugins: string[];
}

/** The conf file the kubelet (and containerd's CRI) takes: the first .conf/.conflist/.json in lexical order. Pure. */
export function firstCniConf(files: readonly string[]): string | undefined {
  return files.filter((f) => /\.(conflist|conf|json)$/.test(f)).sort()[0];
}

/**
 * The CNI from a node's /etc/cni/net.d: `files` lists the directory, `read` gives a file's
 * text. The kubelet (and containerd's CRI) take the first .conf/.conflist/.json in lexical
 * order. Null when there is none. Pure over `read`.
 */
export function cniFromConfDir(files: readonly string[], read: (file: string) => string | null): CniFacts | null {
  const first = firstCniConf(files);
  if (!first) return null;
  const text = read(first);
  let doc: unknown = null;
  try {
    doc = text === null ? null : JSON.parse(text);
  } catch {
    doc = null;
  }
  if (!isObject(doc)) return { file: first, name: null, plugins: [] };
  const plugins = Array.isArray(doc.plugins) ? doc.plugins.filter(isObject).map((p) => String(p.type ?? '?')) : typeof doc.type === 'string' ? [doc.type] : [];
  return { file: first, name: str(doc.name), plugins };
}

/** One permission the driver needs, as a SelfSubjectAccessReview asks it. */
export interface Permission {
  verb: string;
  resource: string;
  group?: string;
  subresource?: string;
  /** One object by name (a Role may grant only it, e.g. the kube-proxy ConfigMap). */
  name?: string;
  /** Namespace-scoped permissions are asked in the run's namespace (or kube-system). */
  namespace?: string;
  /** What resetlab does with it (for the refusal). */
  why: string;
  /** Not needed to run (the facts it gives are then recorded as unknown). */
  optional?: boolean;
}

/** How a permission reads in a message: `create pods/exec in rl-1a2b3c`. Pure. */
export function permissionText(p: Permission): string {
  const resource = `${p.group ? `${p.resource}.${p.group}` : p.resource}${p.subresource ? `/${p.subresource}` : ''}`;
  return `${p.verb} ${resource}${p.namespace ? ` in ${p.namespace}` : ' (cluster-wide)'}`;
}

/** A List of SelfSubjectAccessReviews for `kubectl create -f - -o json`, one per permission, in order. Pure. */
export function accessReviews(permissions: readonly Permission[]): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'List',
    items: permissions.map((p) => ({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: {
        resourceAttributes: {
          verb: p.verb,
          resource: p.resource,
          ...(p.group ? { group: p.group } : {}),
          ...(p.subresource ? { subresource: p.subresource } : {}),
          ...(p.namespace ? { namespace: p.namespace } : {}),
          ...(p.name ? { name: p.name } : {}),
        },
      },
    })),
  };
}

/**
 * Top-level JSON values printed one after another (`kubectl create -o json` prints each
 * created object on its own, not one List). Pure; throws on text that is not such a sequence.
 */
export function parseJsonSequence(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
    } else if (depth === 0 && c.trim() !== '') throw new Error(`unexpected "${c}" at ${i} outside a JSON value`);
  }
  if (depth !== 0 || inString) throw new Error('the text ends inside a JSON value');
  return out;
}

/** The `status.allowed` answers of `kubectl create -f <accessReviews> -o json`, in order: one object per review, or a List. */
export function parseAccessReviews(text: string, expected: number): boolean[] {
  const source = 'the SelfSubjectAccessReview answers';
  let docs: unknown[];
  try {
    docs = parseJsonSequence(text);
  } catch (error) {
    throw fail(source, (error as Error).message);
  }
  const first = docs[0];
  const items = docs.length === 1 && isObject(first) && Array.isArray(first.items) ? first.items : docs;
  if (items.length !== expected) throw fail(source, `expected ${expected} answers, got ${items.length}`);
  return items.map((item, i) => {
    if (!isObject(item) || !isObject(item.status)) throw fail(source, `answer ${i + 1} has no status`);
    return item.status.allowed === true;
  });
}
