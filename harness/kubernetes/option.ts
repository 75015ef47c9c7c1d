/**
 * `--kube-proxy`: the flag shared by every driver that can run the real kube-proxy (netns,
 * vm). One definition here, so that the drivers do not import each other; its value is parsed
 * by `parseKubeProxySpec` (spec.ts).
 */
export const KUBE_PROXY_OPTION = {
  flags: '--kube-proxy <version|dir>',
  key: 'kubeProxy',
  description: "run the real kube-proxy instead of resetlab's copy of its rules: v1.20.2 (built from Debian's source package and cached; minutes the first time), vX.Y.Z (official release binaries with their published sha256, where the network reaches dl.k8s.io) or a server/bin folder with kube-proxy and kube-apiserver",
};
