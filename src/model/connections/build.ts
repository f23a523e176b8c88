import { gatewayCatalog, kubernetesCatalog, mediatorCatalog, observabilityCatalog } from '../../catalog';
import { PodPort } from '../../catalog/types';
import { deployedBlocks, deploymentNamespaces, ModelFacts } from '../namespaces';
import { runnerComponent, runnerPodLabels } from '../compliance';
import { allSecurityServerPods, buildingBlockPods, reconcileJobPods, securityServerPods } from '../pod-labels';
import { documentServerPods, documentServerPort } from '../service-descriptions';
import { ModelBuildingBlock } from '../types';
import { AddressEndpoint, Connection, ConnectionReason, Endpoint, PodsEndpoint } from './types';
import { ordinal } from '../../ordinal';

const port = (p: PodPort): PodPort => ({ port: p.port, ...(p.name ? { name: p.name } : {}) });
const numbered = (...ports: number[]): PodPort[] => ports.map((n) => ({ port: n }));

/**
 * Every connection the deployment allows, computed once from the model's facts and the
 * catalog (ports are Pod ports from the catalog; labels from the charts' label rules). Sorted
 * by id; ids are unique. The groups, in order:
 * - DNS: every namespace's Pods → cluster DNS, 53 UDP and TCP.
 * - Declared flows: direct (consumer Pods → provider Pods on the provider's Pod port); mediated
 *   (consumer → its own organisation's security server on the client port; security server →
 *   security server of the provider's organisation on the message and OCSP ports; security
 *   server of the provider's organisation → provider). A flow with an external end opens the
 *   security server to X-Road peers anywhere on the message ports.
 * - Gateway: clients → proxies (anyone for external, private ranges for internal), proxies →
 *   controller (xDS), proxies → routed building blocks.
 * - Platform: Prometheus → metrics ports (building blocks serving metrics, Envoy stats,
 *   CoreDNS, kubelets), OTLP trace export, log push, Kubernetes API (limited to
 *   `model.network.apiServerCidrs`), API server → admission webhooks, Alertmanager →
 *   receivers, central server elsewhere.
 * - Declared egress of products and justified overrides.
 * - With `compliance.enabled`: the compliance runner's Pod for each tested block → that
 *   block's Pods on its Pod port.
 */
export function buildConnections(model: ModelFacts): Connection[] {
  const out: Connection[] = [];
  const add: Add = (reason, key, from, to, ports, why, extra = {}, protocol = 'TCP') =>
    out.push({ id: `${reason}:${key}`, from, to, ports, protocol, reason, why, pointers: [], ...extra });
  const anywhere = (name: string): AddressEndpoint => ({ name, cidrs: kubernetesCatalog.anywhere });
  const apiServer: AddressEndpoint = { name: 'kube-api', cidrs: model.network.apiServerCidrs };
  const gw = model.gateway.namespaces;
  const obs = model.observability;
  const preinstalled = (c: string) => model.deployment.preinstalled.includes(c as never);
  const wholeNamespace = (component: string, namespace: string): PodsEndpoint => ({ component, namespace, podLabels: {} });

  // DNS from every namespace.
  const dns: PodsEndpoint = {
    component: 'coredns',
    namespace: kubernetesCatalog.dns.namespace,
    podLabels: kubernetesCatalog.dns.podLabels,
  };
  for (const ns of deploymentNamespaces(model)) {
    for (const p of kubernetesCatalog.dns.ports) {
      add(
        'dns',
        `${ns.name}/${(p.protocol ?? 'TCP').toLowerCase()}`,
        wholeNamespace(ns.component, ns.name),
        dns,
        [port(p)],
        `${ns.name} resolves names through cluster DNS`,
        {},
        p.protocol ?? 'TCP',
      );
    }
  }

  addFlows(model, add);

  // Gateway: clients, configuration, routes.
  const proxies = (which: 'external' | 'internal'): PodsEndpoint => ({
    component: `gateway-${which}`,
    namespace: gw[which],
    podLabels: gatewayCatalog.pods.proxyLabels,
  });
  // HTTPS, and HTTP only for the listener that redirects to HTTPS (gateway construct).
  const listeners = [port(gatewayCatalog.pods.proxyHttps), port(gatewayCatalog.pods.proxyHttp)];
  add(
    'route',
    'clients->gateway-external',
    anywhere('any'),
    proxies('external'),
    listeners,
    'the external gateway serves clients on the Internet (HTTP only redirects to HTTPS)',
  );
  add(
    'route',
    'clients->gateway-internal',
    { name: 'private-ranges', cidrs: kubernetesCatalog.privateRanges },
    proxies('internal'),
    listeners,
    'the internal gateway serves clients on private networks only (HTTP only redirects to HTTPS)',
  );
  for (const which of ['external', 'internal'] as const) {
    add(
      'control',
      `gateway-${which}->gateway`,
      proxies(which),
      wholeNamespace('gateway', gw.controller),
      [port(gatewayCatalog.pods.xds)],
      `${which} gateway proxies fetch their configuration (xDS) from the controller`,
    );
  }
  if (model.gateway.oidc)
    add(
      'egress',
      'gateway-external->oidc-issuer',
      proxies('external'),
      anywhere('oidc-issuer'),
      numbered(443),
      "the external gateway fetches the OIDC issuer's keys",
    );
  const byId = new Map(model.buildingBlocks.map((b) => [b.id, b]));
  for (const route of model.gateway.routes) {
    const block = byId.get(route.buildingBlock)!;
    const pods = blockEndpoint(block);
    if (!pods) continue;
    add(
      'route',
      `gateway-${route.gateway}->${block.id}`,
      proxies(route.gateway),
      endpoint(pods),
      [pods.port],
      `${route.gateway} gateway route ${route.host}`,
      { pointers: [`${block.pointer}/exposure`] },
    );
  }
  add(
    'kube-api',
    'gateway->kube-api',
    wholeNamespace('gateway', gw.controller),
    apiServer,
    kubernetesCatalog.apiServer.ports.map(port),
    'the gateway controller watches the Kubernetes API',
  );
  if (!preinstalled('gateway-controller')) {
    add(
      'webhook',
      'kube-api->gateway',
      { name: 'kube-apiserver', cidrs: model.network.apiServerCidrs },
      wholeNamespace('gateway', gw.controller),
      [port(gatewayCatalog.pods.webhook)],
      "the API server calls Envoy Gateway's topology injector webhook",
    );
  }

  if (obs.enabled) addObservability(model, add, proxies, apiServer);

  if (!model.mediator.centralServer) {
    const cs = mediatorCatalog.centralServer.ports;
    add(
      'mediator-hop',
      'security-servers->central-server',
      { component: 'security-server', namespace: model.mediator.namespace, podLabels: allSecurityServerPods },
      anywhere('central-server'),
      numbered(cs.globalConf, cs.registration),
      "security servers download global configuration from the instance's central server and register with it",
    );
  }

  add(
    'kube-api',
    'mediator-reconcile->kube-api',
    { component: 'mediator-reconcile', namespace: model.mediator.namespace, podLabels: reconcileJobPods },
    apiServer,
    kubernetesCatalog.apiServer.ports.map(port),
    "the mediator's reconcile Job holds its run lock, a Lease, through the Kubernetes API",
  );
  addServiceDescriptionSources(model, add);

  for (const block of deployedBlocks(model)) {
    const pods = blockEndpoint(block)!;
    for (const need of block.egress) {
      const override = model.overrides.find((o) => o.control === 'egress' && o.target === block.id && o.justification === need.reason);
      add(
        'egress',
        `${block.id}->${need.name}`,
        pods,
        { name: need.name, cidrs: need.cidrs },
        numbered(...need.ports),
        `${block.id} egress "${need.name}"`,
        {
          justification: need.reason,
          pointers: [override?.pointer ?? block.pointer],
        },
      );
    }
  }
  addComplianceRunner(model, add);
  const ids = new Set<string>();
  for (const c of out) {
    if (ids.has(c.id)) throw new Error(`connection graph: duplicate id ${c.id}`);
    ids.add(c.id);
  }
  return out.sort((a, b) => ordinal(a.id, b.id));
}

type Add = (
  reason: ConnectionReason,
  key: string,
  from: Endpoint,
  to: Endpoint,
  ports: PodPort[],
  why: string,
  extra?: Partial<Connection>,
  protocol?: 'TCP' | 'UDP',
) => void;

/** A building block's API Pods as an endpoint, with the port they listen on; `undefined` for external products. */
function blockEndpoint(block: ModelBuildingBlock): (PodsEndpoint & { port: PodPort }) | undefined {
  const pods = buildingBlockPods(block);
  return pods ? { component: block.id, namespace: block.namespace, podLabels: pods.labels, port: pods.port } : undefined;
}

/** Strip the helper's `port` so only Endpoint fields are kept. */
function endpoint(e: PodsEndpoint & { port?: PodPort }): PodsEndpoint {
  return { component: e.component, namespace: e.namespace, podLabels: e.podLabels };
}

function addFlows(model: ModelFacts, add: Add): void {
  const byId = new Map(model.buildingBlocks.map((b) => [b.id, b]));
  const ss = mediatorCatalog.securityServer.ports;
  const server = (name: string): PodsEndpoint => ({
    component: `security-server/${name}`,
    namespace: model.mediator.namespace,
    podLabels: securityServerPods(name),
  });
  const grouped = new Map<string, { from: Endpoint; to: Endpoint; ports: PodPort[]; why: string; flows: string[]; pointers: string[] }>();
  const group = (key: string, from: Endpoint, to: Endpoint, ports: PodPort[], why: string, flow: string, pointer: string) => {
    const g = grouped.get(key) ?? { from, to, ports, why, flows: [], pointers: [] };
    g.flows.push(flow);
    g.pointers.push(pointer);
    grouped.set(key, g);
  };
  for (const flow of model.flows) {
    const consumer = byId.get(flow.from)!;
    const provider = byId.get(flow.to)!;
    const name = `${flow.from}->${flow.to}`;
    const c = blockEndpoint(consumer);
    const p = blockEndpoint(provider);
    if (flow.via === 'direct') {
      if (c && p)
        add('flow', name, endpoint(c), endpoint(p), [p.port], `flow ${name} (direct)`, { flows: [name], pointers: [flow.pointer] });
      continue;
    }
    const consumerServer = consumer.owner.securityServer;
    const providerServer = provider.owner.securityServer;
    if (c && consumerServer)
      group(
        `${consumer.id}->security-server/${consumerServer}`,
        endpoint(c),
        server(consumerServer),
        [{ port: ss.clientHttps, name: 'client-https' }],
        `${consumer.id} calls through its organisation's security server`,
        name,
        flow.pointer,
      );
    if (p && providerServer)
      group(
        `security-server/${providerServer}->${provider.id}`,
        server(providerServer),
        endpoint(p),
        [p.port],
        `the security server of ${provider.owner.name} delivers to ${provider.id}`,
        name,
        flow.pointer,
      );
    const messages = [
      { port: ss.messaging, name: 'messaging' },
      { port: ss.ocsp, name: 'ocsp' },
    ];
    if (consumerServer && providerServer && consumerServer !== providerServer) {
      group(
        `security-server/${consumerServer}->security-server/${providerServer}`,
        server(consumerServer),
        server(providerServer),
        messages,
        'security servers exchange signed messages',
        name,
        flow.pointer,
      );
    } else if (consumerServer && !providerServer) {
      group(
        `security-server/${consumerServer}->xroad-peers`,
        server(consumerServer),
        { name: 'xroad-peers', cidrs: kubernetesCatalog.anywhere },
        messages,
        'the security server exchanges signed messages with X-Road members outside this cluster',
        name,
        flow.pointer,
      );
    } else if (!consumerServer && providerServer) {
      group(
        `xroad-peers->security-server/${providerServer}`,
        { name: 'xroad-peers', cidrs: kubernetesCatalog.anywhere },
        server(providerServer),
        messages,
        'X-Road members outside this cluster send signed messages to the security server',
        name,
        flow.pointer,
      );
    }
  }
  for (const [key, g] of grouped) {
    add('mediator-hop', key, g.from, g.to, g.ports, `${g.why} (flows ${g.flows.join(', ')})`, {
      flows: g.flows,
      pointers: [...new Set(g.pointers)].sort(),
    });
  }
}

/**
 * Each security server loads the OpenAPI descriptions of the providers it hosts from where the
 * model resolved them (`ModelBuildingBlock.apiDocuments`, at the blueprint's document source):
 * - fetched (upstream, a mirror, a custom block's address): one egress per server to the
 *   union of those documents' address ranges (an address literal alone, else any address: a
 *   NetworkPolicy cannot name a host) on their ports; the reason names the hosts;
 * - bundled: one edge per server to the mediator's document server on its Pod port, and no
 *   egress beyond the cluster.
 */
function addServiceDescriptionSources(model: ModelFacts, add: Add): void {
  const documentServer: PodsEndpoint = { component: 'document-server', namespace: model.mediator.namespace, podLabels: documentServerPods };
  for (const server of model.mediator.securityServers) {
    const docs = deployedBlocks(model)
      .filter((b) => b.owner.securityServer === server.name)
      .flatMap((b) => b.apiDocuments);
    const from: PodsEndpoint = {
      component: `security-server/${server.name}`,
      namespace: model.mediator.namespace,
      podLabels: securityServerPods(server.name),
    };
    const fetched = docs.filter((d) => d.egress);
    if (fetched.length > 0) {
      const urls = fetched.map((d) => new URL(d.url));
      const ports = [...new Set(fetched.flatMap((d) => d.egress!.ports))].sort((a, b) => a - b);
      const cidrs = [...new Set(fetched.flatMap((d) => d.egress!.cidrs))].sort();
      const hosts = [...new Set(urls.map((u) => u.host))].sort().join(', ');
      const why = `security server ${server.name} loads its providers' OpenAPI descriptions from ${hosts} (${model.deployment.documents.source})`;
      add(
        'egress',
        `security-server/${server.name}->service-descriptions`,
        from,
        { name: 'service-descriptions', cidrs: cidrs.includes(kubernetesCatalog.anywhere[0]) ? kubernetesCatalog.anywhere : cidrs },
        numbered(...ports),
        why,
        {
          justification: why,
          pointers: ['/deployment/documents'],
        },
      );
    }
    if (docs.some((d) => d.bundled)) {
      add(
        'control',
        `security-server/${server.name}->document-server`,
        from,
        documentServer,
        [port(documentServerPort)],
        `security server ${server.name} loads its providers' bundled OpenAPI descriptions from the mediator's document server`,
        {
          pointers: ['/deployment/documents'],
        },
      );
    }
  }
}

/**
 * GovStack's compliance runner reaches each block it tests as a consumer does: one edge per
 * block from the runner Pod testing it (its own labels) to the block's API Pods on their Pod
 * port. None unless `compliance.enabled` (`model.compliance.targets` is empty then).
 */
function addComplianceRunner(model: ModelFacts, add: Add): void {
  const byId = new Map(model.buildingBlocks.map((b) => [b.id, b]));
  for (const id of model.compliance.targets) {
    const pods = blockEndpoint(byId.get(id)!)!;
    add(
      'compliance',
      `runner->${id}`,
      { component: `${runnerComponent}/${id}`, namespace: model.compliance.namespace, podLabels: runnerPodLabels(id) },
      endpoint(pods),
      [pods.port],
      `GovStack's compliance suite of ${model.compliance.suiteOf[id] ?? id} calls ${id} as a consumer (govstack compliance, while compliance.enabled)`,
      { pointers: ['/compliance/enabled'] },
    );
  }
}

function addObservability(
  model: ModelFacts,
  add: Add,
  proxies: (which: 'external' | 'internal') => PodsEndpoint,
  apiServer: AddressEndpoint,
): void {
  const obs = model.observability;
  const preinstalled = (c: string) => model.deployment.preinstalled.includes(c as never);
  const metrics = observabilityCatalog.metrics;
  const whole = (component: string, namespace: string): PodsEndpoint => ({ component, namespace, podLabels: {} });
  const stack = whole('observability', obs.namespace);
  const collector = whole('log-collector', obs.collectorNamespace);
  add(
    'kube-api',
    'observability->kube-api',
    stack,
    apiServer,
    kubernetesCatalog.apiServer.ports.map(port),
    'Prometheus, its operator and Grafana discover targets and objects through the Kubernetes API',
  );
  add(
    'kube-api',
    'log-collector->kube-api',
    collector,
    apiServer,
    kubernetesCatalog.apiServer.ports.map(port),
    'the log collector discovers pods through the Kubernetes API',
  );
  if (!preinstalled('logs') && !preinstalled('log-collector')) {
    add(
      'logs',
      'log-collector->observability',
      collector,
      stack,
      numbered(observabilityCatalog.logs.pushPort),
      'the node log collector pushes logs to the log store',
    );
  }
  if (!preinstalled('traces')) {
    for (const block of deployedBlocks(model)) {
      const pods = blockEndpoint(block)!;
      add(
        'trace',
        `${block.id}->observability`,
        endpoint(pods),
        stack,
        numbered(observabilityCatalog.traces.otlpGrpcPort, observabilityCatalog.traces.otlpHttpPort),
        `${block.id} exports traces (OTLP)`,
      );
    }
  }
  if (preinstalled('metrics')) return;
  const prometheus: PodsEndpoint = { component: 'prometheus', namespace: obs.namespace, podLabels: metrics.podLabels.prometheus };
  for (const block of deployedBlocks(model)) {
    if (block.product.kind !== 'image' || block.product.metricsPath === undefined) continue;
    const pods = blockEndpoint(block)!;
    add(
      'scrape',
      `prometheus->${block.id}`,
      prometheus,
      endpoint(pods),
      [pods.port],
      `Prometheus scrapes ${block.id} (${block.product.metricsPath})`,
    );
  }
  for (const which of ['external', 'internal'] as const) {
    add(
      'scrape',
      `prometheus->gateway-${which}`,
      prometheus,
      proxies(which),
      [port(gatewayCatalog.pods.proxyStats)],
      `Prometheus scrapes the ${which} gateway proxies' Envoy stats`,
    );
  }
  add(
    'scrape',
    'prometheus->coredns',
    prometheus,
    { component: 'coredns', namespace: kubernetesCatalog.dns.namespace, podLabels: kubernetesCatalog.dns.podLabels },
    [port(kubernetesCatalog.dns.metricsPort)],
    'Prometheus scrapes CoreDNS',
  );
  add(
    'scrape',
    'prometheus->kubelets',
    prometheus,
    { name: 'nodes', cidrs: model.network.nodeCidrs },
    [port(kubernetesCatalog.kubelet.port)],
    'Prometheus scrapes the kubelets and cAdvisor',
  );
  add(
    'webhook',
    'kube-api->observability',
    { name: 'kube-apiserver', cidrs: model.network.apiServerCidrs },
    stack,
    [port(metrics.operatorWebhook)],
    "the API server calls the Prometheus Operator's admission webhook",
  );
  const alertmanager: PodsEndpoint = { component: 'alertmanager', namespace: obs.namespace, podLabels: metrics.podLabels.alertmanager };
  for (const receiver of obs.receivers) {
    add(
      'alert',
      `alertmanager->receiver-${receiver.name}`,
      alertmanager,
      { name: `receiver-${receiver.name}`, cidrs: receiver.deliversTo.cidrs },
      numbered(receiver.deliversTo.port),
      `Alertmanager delivers to receiver ${receiver.name} (${receiver.type})`,
      { pointers: [receiver.pointer] },
    );
  }
}
