import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../repo-root.js';
import type { Permission } from './facts.js';
import { runPermissions } from './preflight.js';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}
interface RoleDoc {
  kind: 'ClusterRole' | 'Role';
  metadata: { name: string; namespace?: string };
  rules: Rule[];
}

const docs = parseAllDocuments(readFileSync(`${REPO_ROOT}/docs/kube-rbac.yaml`, 'utf8')).map((d) => d.toJS() as RoleDoc);

/** Whether a role grants `p` (RBAC's own matching, without wildcards: the file uses none). */
function grants(role: RoleDoc, p: Permission): boolean {
  if (role.kind === 'Role' && role.metadata.namespace !== p.namespace) return false;
  const resource = p.subresource ? `${p.resource}/${p.subresource}` : p.resource;
  return role.rules.some((r) => r.apiGroups.includes(p.group ?? '') && r.resources.includes(resource) && r.verbs.includes(p.verb) && (!r.resourceNames || (p.name !== undefined && r.resourceNames.includes(p.name))));
}

describe('docs/kube-rbac.yaml', () => {
  it("grants every permission the kube driver's preflight asks for, the optional ones through the kube-system Role", () => {
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['ClusterRole/resetlab', 'Role/resetlab-kube-proxy']);
    const missing = runPermissions('rl-1a2b3c').filter((p) => !docs.some((d) => grants(d, p)));
    expect(missing).toEqual([]);
    // The kube-system facts are not granted cluster-wide.
    const cm = runPermissions('rl-1a2b3c').find((p) => p.resource === 'configmaps')!;
    expect(grants(docs[0]!, cm)).toBe(false);
    expect(grants(docs[1]!, cm)).toBe(true);
  });
});
