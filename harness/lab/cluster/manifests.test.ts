import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_TOOLS } from '../../containers/local-image.js';
import { HOLDER_COMMAND, clusterManifests, manifestsYaml, workloadNames, type WorkloadSpec } from './manifests.js';

const SPEC: WorkloadSpec = {
  prefix: 'rl-0a1b2c',
  image: 'resetlab-agent:local',
  clientNode: 'rl-0a1b2c-worker',
  serverNode: 'rl-0a1b2c-worker2',
  servicePort: 80,
  serverPort: 8080,
  clientPod: true,
};

const SERVER_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: rl-0a1b2c-server
  namespace: rl-0a1b2c
  labels:
    app: rl-0a1b2c-server
    resetlab.prefix: rl-0a1b2c
spec:
  replicas: 1
  selector:
    matchLabels:
      app: rl-0a1b2c-server
  template:
    metadata:
      labels:
        app: rl-0a1b2c-server
        resetlab.prefix: rl-0a1b2c
    spec:
      nodeSelector:
        kubernetes.io/hostname: rl-0a1b2c-worker2
      terminationGracePeriodSeconds: 0
      containers:
        - name: holder
          image: resetlab-agent:local
          imagePullPolicy: Never
          command:
            - sleep
            - infinity
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: rl-0a1b2c-svc
  namespace: rl-0a1b2c
  labels:
    resetlab.prefix: rl-0a1b2c
spec:
  type: ClusterIP
  selector:
    app: rl-0a1b2c-server
  ports:
    - name: http
      protocol: TCP
      port: 80
      targetPort: 8080
`;

describe('clusterManifests', () => {
  it('names everything after the prefix; the namespace is the prefix', () => {
    expect(workloadNames('rl-0a1b2c')).toEqual({
      namespace: 'rl-0a1b2c',
      server: 'rl-0a1b2c-server',
      client: 'rl-0a1b2c-client',
      service: 'rl-0a1b2c-svc',
      nodeAgent: 'rl-0a1b2c-node-agent',
    });
  });

  it('renders namespace, server Deployment pinned to worker 2, ClusterIP Service, client pinned to worker 1', () => {
    const yaml = manifestsYaml(clusterManifests(SPEC));
    const docs = yaml.split('---\n');
    expect(docs).toHaveLength(4);
    expect(docs[0]).toBe('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: rl-0a1b2c\n  labels:\n    resetlab.prefix: rl-0a1b2c\n');
    expect(docs[1]).toBe(SERVER_DEPLOYMENT);
    expect(docs[2]).toBe(SERVICE);
    expect(docs[3]).toContain('kubernetes.io/hostname: rl-0a1b2c-worker\n');
    expect(docs[3]).toContain('name: rl-0a1b2c-client\n');
    expect(docs[3]).not.toContain('ports:');
    expect(parseAllDocuments(yaml).map((d) => d.errors)).toEqual([[], [], [], []]);
  });

  it('no client Deployment when the client runs on the node; ports follow the topology', () => {
    const objects = clusterManifests({ ...SPEC, clientPod: false, servicePort: 8081, serverPort: 9000 });
    expect(objects.map((o) => `${o.kind}`)).toEqual(['Namespace', 'Deployment', 'Service']);
    const svc = objects[2] as { spec: { ports: unknown[] } };
    expect(svc.spec.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 8081, targetPort: 9000 }]);
  });
  it("holds the pod with a command the registry-free agent image carries; a progress deadline when given", () => {
    const server = clusterManifests({ ...SPEC, progressDeadlineSeconds: 900 })[1] as { spec: { progressDeadlineSeconds?: number; template: { spec: { containers: { command: string[] }[] } } } };
    expect(server.spec.template.spec.containers[0]!.command).toEqual([...HOLDER_COMMAND]);
    expect(DEFAULT_TOOLS).toContain(HOLDER_COMMAND[0]);
    expect(server.spec.progressDeadlineSeconds).toBe(900);
    expect((clusterManifests(SPEC)[1] as { spec: object }).spec).not.toHaveProperty('progressDeadlineSeconds');
  });
});
