import { PodPort, Source } from '../types';

/**
 * Facts about the Kubernetes cluster itself that the connection graph needs: where cluster
 * DNS runs and listens, the kubelet's port, the API server's ports, and the address ranges
 * the graph assumes when the blueprint's target names none.
 */
export interface KubernetesEntry {
  /** Cluster DNS (CoreDNS, as kubeadm and the managed clouds deploy it as `kube-dns`). */
  readonly dns: {
    readonly namespace: string;
    readonly podLabels: Readonly<Record<string, string>>;
    /** DNS on 53, UDP and TCP. */
    readonly ports: readonly PodPort[];
    /** CoreDNS's Prometheus metrics (plugin `prometheus :9153`). */
    readonly metricsPort: PodPort;
    readonly source: Source;
  };
  /** The kubelet's HTTPS API on every node (metrics, cAdvisor). */
  readonly kubelet: { readonly port: PodPort; readonly source: Source };
  /** The API server: 6443 where it listens (kubeadm), 443 of the `kubernetes` Service and of the managed clouds. */
  readonly apiServer: { readonly ports: readonly PodPort[]; readonly source: Source };
  /**
   * RFC 1918 private ranges: the default for the API server's and the nodes' addresses when the
   * blueprint's `target.network` names none, and the only sources the internal gateway admits.
   */
  readonly privateRanges: readonly string[];
  /** Every IPv4 address: for clients of the external gateway and declared Internet peers. */
  readonly anywhere: readonly string[];
}

const ports = 'https://kubernetes.io/docs/reference/networking/ports-and-protocols/';
const corednsManifest = 'kubernetes/kubernetes@v1.36.0:cluster/addons/dns/coredns/coredns.yaml.base';

export const kubernetesCatalog: KubernetesEntry = {
  dns: {
    namespace: 'kube-system',
    podLabels: { 'k8s-app': 'kube-dns' },
    ports: [
      { port: 53, name: 'dns', protocol: 'UDP' },
      { port: 53, name: 'dns-tcp', protocol: 'TCP' },
    ],
    metricsPort: { port: 9153, name: 'metrics' },
    source: corednsManifest,
  },
  kubelet: { port: { port: 10250 }, source: ports },
  apiServer: { ports: [{ port: 443 }, { port: 6443 }], source: ports },
  privateRanges: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
  anywhere: ['0.0.0.0/0'],
};
