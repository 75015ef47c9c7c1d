/**
 * Which addresses and namespaces one Service path uses in the netns lab, derived from the
 * topology knobs. Pure; the data planes (`dataplane/`), the topology plan and the
 * provider all read it, so they always agree.
 */
import type { ServicePath } from '../../dataplane/service.js';
import { DEFAULT_NODE_PORT, type LabTopology } from '../topology.js';
import { NETNS_ADDRESSES as A } from './addresses.js';

export type { ServicePath } from '../../dataplane/service.js';

/** Resolves the path of a topology. Callers validate the topology first (schema). */
export function servicePath(t: LabTopology): ServicePath {
  const service = t.service ?? 'clusterIP';
  const hairpin = t.hairpin === true;
  const clientGateway = t.client === 'external' ? A.nodeAExternalGateway : A.nodeAPodGateway;
  const nodePort = service === 'nodePort' ? (t.nodePort ?? DEFAULT_NODE_PORT) : undefined;
  const clientIp = t.client === 'external' ? A.externalClient : t.client === 'node' ? A.nodeAWire : A.clientPod;
  const backendIp = hairpin ? A.clientPod : A.serverPod;
  return {
    service,
    vip: A.serviceVip,
    servicePort: t.servicePort,
    ...(nodePort !== undefined ? { nodePort } : {}),
    nodeIps: [A.nodeAWire, clientGateway],
    target: nodePort !== undefined ? { ip: A.nodeAWire, port: nodePort } : { ip: A.serviceVip, port: t.servicePort },
    backend: { ip: backendIp, port: t.serverPort },
    backendLocal: hairpin,
    clientRole: t.client === 'node' ? 'node-a' : 'client',
    serverRole: hairpin ? 'client' : 'server',
    clientIp,
    clientGateway,
    clusterCidr: A.clusterCidr,
  };
}
