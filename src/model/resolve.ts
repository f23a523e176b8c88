import { createHash } from 'node:crypto';
import { findBuildingBlock, gatewayCatalog, mediatorCatalog, observabilityCatalog } from '../catalog';
import { customDeploymentDecl, customEntry } from './custom-blocks';
import { withCustomProducts } from './custom-products';
import { ProductOption, ResourceProfile } from '../catalog/types';
import { LoadedBlueprint } from '../blueprint/load';
import { InputError, joinPointer, Problem } from '../blueprint/problems';
import { suggest } from '../blueprint/suggest';
import { BuildingBlockDecl, NoWait, PodSecurityLevel, SecurityOverride, SizeProfile } from '../blueprint/types';
import { kubernetesCatalog } from '../catalog';
import { buildConnections } from './connections/build';
import { resolveCompliance } from './compliance';
import { declaringDir, defaultDocumentSources, mergedEnvironmentFile, resolveDocuments } from './documents';
import { resolveApiDocuments } from './service-descriptions';
import { AppliedOverride, DeploymentModel, Flow, GatewayRoute, ModelBuildingBlock, ModelOrganisation, platformComponents } from './types';
import { ordinal } from '../ordinal';
import { quantityPattern } from '../blueprint/schema-parts';

/** Replicas and the multiple of the product's resources for each size profile. */
const sizeProfiles: Record<SizeProfile, { replicas: number; scale: number }> = {
  small: { replicas: 1, scale: 1 },
  medium: { replicas: 2, scale: 2 },
  large: { replicas: 3, scale: 4 },
};

/** Resources of products whose chart sets its own (used for quota and audit only). */
const chartDefaultResources: ResourceProfile = { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } };

/**
 * Resolve a validated blueprint against the catalog into the deployment model. Every
 * inconsistency (unknown owner, a flow to a disabled block, duplicate member codes, …) is
 * an input problem; all are collected and thrown together.
 */
export function resolveModel(loaded: LoadedBlueprint): DeploymentModel {
  const bp = loaded.blueprint;
  const problems: Problem[] = [];
  const problem = (pointer: string, message: string) => problems.push({ ...loaded.locate(pointer), pointer, message });
  const prefix = bp.metadata.namespacePrefix ?? 'gs-';

  const organisations = resolveOrganisations(loaded, problem);
  const overrides = (bp.security?.overrides ?? []).map((o, i) => ({ ...o, pointer: `/security/overrides/${i}` }));
  const overrideFor = (control: SecurityOverride['control'], target: string) =>
    overrides.find((o) => o.control === control && o.target === target);

  // A country's own blocks join the catalog's here; from now on both are resolved alike.
  const custom = new Map(
    Object.entries(bp.customBuildingBlocks ?? {}).map(([id, decl]) => [
      id,
      { entry: customEntry(id, decl), decl: customDeploymentDecl(decl) },
    ]),
  );
  const sectionOf = (id: string) => (custom.has(id) ? '/customBuildingBlocks' : '/buildingBlocks');
  const declared = [
    ...Object.entries(bp.buildingBlocks),
    ...[...custom].map(([id, c]) => [id, c.decl] as [string, BuildingBlockDecl]),
  ].sort(([a], [b]) => ordinal(a, b));
  const enabled = new Map(declared.filter(([, d]) => d.enabled !== false));
  if (enabled.size === 0) problem('/buildingBlocks', 'no building block is enabled');

  const documentSources = bp.deployment?.documents ?? defaultDocumentSources;
  const mediatorNamespace = `${prefix}mediator`;
  const bundlePointer = '/deployment/documents/bundle';
  const documentsDir = documentSources.bundle ? declaringDir(loaded.locate(bundlePointer).file) : '.';

  const buildingBlocks: ModelBuildingBlock[] = [];
  for (const [id, decl] of enabled) {
    const pointer = joinPointer(sectionOf(id), id);
    const catalogEntry = findBuildingBlock(id);
    // A country's own products for a catalog block join its catalog products here.
    const entry = custom.get(id)?.entry ?? (catalogEntry && withCustomProducts(catalogEntry, bp.customProducts?.[id]));
    if (!entry) continue; // the schema only admits catalog ids and custom blocks
    let chosen = entry.products.find((p) => p.id === (decl.product ?? entry.products[0].id));
    if (!chosen) {
      problem(
        joinPointer(pointer, 'product'),
        unknownProduct(
          decl.product!,
          id,
          entry.products.map((p) => p.id),
        ),
      );
      chosen = entry.products[0]; // so the block's other rules still run and report
    }
    const served =
      chosen.kind === 'image' && chosen.documents ? resolveDocuments(documentSources, documentsDir, id, chosen.documents.files) : undefined;
    const documentProblems = Array.isArray(served) ? served : [];
    for (const p of documentProblems) problem(bundlePointer, p);
    const startup = served && !Array.isArray(served) ? served : undefined;
    // The merged environment goes before the product's own arguments (e.g. `--data <file>`).
    const product: ProductOption =
      chosen.kind === 'image' && chosen.documents && startup
        ? { ...chosen, args: [chosen.documents.argument, mergedEnvironmentFile, ...(chosen.args ?? [])] }
        : chosen;
    // Every block that runs here is hosted by its owner's security server, which loads its OpenAPI documents.
    const api =
      product.kind === 'external'
        ? { documents: [], problems: [] }
        : resolveApiDocuments(documentSources, documentsDir, id, entry, mediatorNamespace);
    const documentsPointer = documentSources.source === 'mirror' ? '/deployment/documents/mirror' : bundlePointer;
    for (const p of api.problems) {
      if (p.atAddress) problem(joinPointer(joinPointer(pointer, 'api'), 'openapi'), p.message);
      else if (!documentProblems.includes(p.message)) problem(documentsPointer, p.message);
    }
    const owner = organisations.get(decl.owner);
    if (!owner) problem(joinPointer(pointer, 'owner'), `owner "${decl.owner}" is not an organisation in /mediator/organisations`);
    if (product.kind === 'external') {
      if (decl.version) problem(joinPointer(pointer, 'version'), 'an external building block has no version to pin');
      if (decl.exposure && decl.exposure !== 'none')
        problem(joinPointer(pointer, 'exposure'), 'an external building block is exposed where it runs, not through this gateway');
    }
    const sizing = resolveSizing(id, decl, product, bp.metadata.environment, overrideFor('min-replicas', id) !== undefined, (m) =>
      problem(pointer, m),
    );
    const podSecurityOverride = overrideFor('pod-security', id);
    const chartLevel = product.kind === 'chart' && product.podSecurity.level !== 'restricted' ? product.podSecurity : undefined;
    const podSecurity = (podSecurityOverride?.value as PodSecurityLevel | undefined) ?? chartLevel?.level ?? 'restricted';
    const podSecurityJustification = podSecurityOverride?.justification ?? chartLevel?.reason;
    if (product.kind === 'chart' && product.unmetPrerequisites) {
      const need = product.unmetPrerequisites;
      problem(
        joinPointer(pointer, 'product'),
        `product ${product.id} cannot be deployed from a blueprint: its chart reads ConfigMaps ${need.configMaps.join(', ')} and Secrets ${need.secrets.join(', ')}, which ${need.createdBy} create and nothing here does`,
      );
    }
    const exposure = decl.exposure ?? 'none';
    const hostLabel = decl.hostname ?? id;
    buildingBlocks.push({
      id,
      entry,
      product,
      version:
        product.kind === 'image'
          ? (decl.version ?? product.image.tag)
          : product.kind === 'chart'
            ? (decl.version ?? product.chart.version)
            : '',
      owner: owner ?? { name: decl.owner, title: decl.owner, memberClass: '', memberCode: '' },
      namespace: `${prefix}${id}`,
      ...sizing,
      exposure,
      host:
        exposure === 'none'
          ? undefined
          : `${hostLabel}.${exposure === 'external' ? bp.gateway.domains.external : bp.gateway.domains.internal}`,
      serviceName: product.kind === 'chart' ? product.service.name : id,
      servicePort: product.kind === 'chart' ? product.service.port : entry.servicePort,
      podSecurity,
      ...(podSecurityJustification ? { podSecurityJustification } : {}),
      runAsRoot: overrideFor('run-as-root', id) !== undefined,
      runAsRootJustification: overrideFor('run-as-root', id)?.justification,
      egress: [
        ...(product.kind === 'external' ? [] : (product.egress ?? [])),
        ...(startup?.egress ? [startup.egress] : []),
        ...overrides
          .filter((o) => o.control === 'egress' && o.target === id)
          .map((o) => ({ name: String(o.value).replace(/[./]/g, '-'), cidrs: [String(o.value)], ports: [443], reason: o.justification })),
      ],
      ...(startup?.bundled ? { documents: startup.bundled } : {}),
      ...(startup ? { servedDocuments: startup.locations } : {}),
      apiDocuments: api.documents,
      pointer,
    });
  }

  if (bp.target.kubernetesVersion && !gatewayCatalog.kubernetesVersions.includes(bp.target.kubernetesVersion)) {
    problem(
      '/target/kubernetesVersion',
      `Kubernetes ${bp.target.kubernetesVersion} is outside the range ${gatewayCatalog.implementation} supports (${gatewayCatalog.kubernetesVersions.join(', ')})`,
    );
  }

  const byId = new Map(buildingBlocks.map((b) => [b.id, b]));
  const flows = resolveFlows(enabled, byId, declared, sectionOf, problem);
  checkHosts(buildingBlocks, problem);
  checkOverrides(overrides, byId, problem);

  // One security server per organisation that runs a building block here.
  const serverOwners = [...new Set(buildingBlocks.filter((b) => b.product.kind !== 'external').map((b) => b.owner.name))].sort();
  const organisationList: ModelOrganisation[] = [...organisations.values()].map((o) =>
    serverOwners.includes(o.name) ? { ...o, securityServer: securityServerName(o.name) } : o,
  );
  const withServers = new Map(organisationList.map((o) => [o.name, o]));
  const resolvedBlocks = buildingBlocks.map((b) => ({ ...b, owner: withServers.get(b.owner.name) ?? b.owner }));

  const compliance = resolveCompliance(bp.compliance, prefix, resolvedBlocks, problem);

  if (problems.length > 0) throw new InputError(problems);

  const routes: GatewayRoute[] = resolvedBlocks
    .filter((b) => b.exposure !== 'none' && b.host)
    .map((b) => ({
      buildingBlock: b.id,
      gateway: b.exposure as 'external' | 'internal',
      host: b.host!,
      namespace: b.namespace,
      serviceName: b.serviceName,
      servicePort: b.servicePort,
    }));
  const platformPodSecurity = (target: string, fallback: PodSecurityLevel) =>
    (overrideFor('pod-security', target)?.value as PodSecurityLevel | undefined) ?? fallback;

  const facts: Omit<DeploymentModel, 'connections'> = {
    name: bp.metadata.name,
    country: bp.metadata.country,
    environment: bp.metadata.environment,
    description: bp.metadata.description,
    target: bp.target,
    network: {
      apiServerCidrs: bp.target.network?.apiServerCidrs ?? kubernetesCatalog.privateRanges,
      nodeCidrs: bp.target.network?.nodeCidrs ?? kubernetesCatalog.privateRanges,
    },
    state: bp.state,
    stateKey: `govstack/${bp.metadata.country.toLowerCase()}/${bp.metadata.environment}/${bp.metadata.name}.tfstate`,
    organisations: organisationList,
    mediator: {
      instance: bp.mediator.instance,
      memberClasses: bp.mediator.memberClasses,
      centralServer: bp.mediator.centralServer ?? true,
      namespace: mediatorNamespace,
      securityServers: organisationList.filter((o) => o.securityServer).map((o) => ({ name: o.securityServer!, organisation: o.name })),
      ...mediatorPodSecurity(overrideFor('pod-security', 'mediator')),
    },
    buildingBlocks: resolvedBlocks,
    flows,
    gateway: {
      namespaces: { controller: `${prefix}gateway`, external: `${prefix}gateway-external`, internal: `${prefix}gateway-internal` },
      domains: bp.gateway.domains,
      tls: bp.gateway.tls,
      tlsMinVersion: overrideFor('tls-min-version', 'gateway') ? '1.2' : '1.3',
      oidc: bp.gateway.oidc,
      rateLimit: bp.gateway.rateLimit ?? { requests: 100, unit: 'Second' },
      internalLoadBalancerAnnotations:
        bp.gateway.internalLoadBalancerAnnotations ??
        (bp.target.kind === 'kubeconfig' ? {} : gatewayCatalog.internalLoadBalancerAnnotations[bp.target.kind].annotations),
      routes,
      podSecurity: platformPodSecurity('gateway', 'restricted'),
    },
    observability: {
      enabled: bp.observability?.enabled ?? true,
      namespace: `${prefix}observability`,
      collectorNamespace: `${prefix}observability-collector`,
      retention: { metrics: '15d', logs: '7d', traces: '3d', ...bp.observability?.retention },
      size: bp.observability?.size ?? 'small',
      receivers: (bp.observability?.alertReceivers ?? []).map((r, i) => ({
        name: r.name,
        type: r.type,
        secretName: r.secretRef.name,
        secretKey: r.secretRef.key,
        ...(r.email ? { email: r.email } : {}),
        ...(r.channel ? { channel: r.channel } : {}),
        deliversTo: {
          cidrs: r.deliversTo?.cidrs ?? kubernetesCatalog.anywhere,
          port: r.deliversTo?.port ?? receiverPort(r),
        },
        pointer: `/observability/alertReceivers/${i}`,
      })),
      podSecurity: platformPodSecurity('observability', 'restricted'),
    },
    compliance,
    overrides: overrides as AppliedOverride[],
    deployment: {
      waits: bp.deployment?.waits ?? true,
      noWaitFor: resolveNoWait(bp.deployment?.noWaitFor ?? [], new Set(buildingBlocks.map((b) => b.id)), problem),
      timeoutSeconds: bp.deployment?.timeoutSeconds ?? 900,
      storageClass: bp.deployment?.storageClass,
      charts: bp.deployment?.charts ?? {},
      preinstalled: bp.deployment?.preinstalled ?? [],
      documents: documentSources,
    },
    sources: loaded.sources,
    locate: loaded.locate,
    warnings: loaded.warnings,
  };
  return { ...facts, connections: buildConnections(facts) };
}

/** `"x" is not one of: a, b (did you mean …?)`, naming where a country adds its own. */
function unknownProduct(product: string, block: string, known: readonly string[]): string {
  return `${JSON.stringify(product)} is not one of: ${known.join(', ')}${suggest(product, known)}; a country's own product is declared under /customProducts/${block}`;
}

function resolveNoWait(
  declared: readonly NoWait[],
  enabled: ReadonlySet<string>,
  problem: (pointer: string, message: string) => void,
): DeploymentModel['deployment']['noWaitFor'] {
  return declared.map((n, i) => {
    const pointer = `/deployment/noWaitFor/${i}`;
    if (!enabled.has(n.component) && !(platformComponents as readonly string[]).includes(n.component)) {
      problem(
        joinPointer(pointer, 'component'),
        `"${n.component}" is not an enabled building block or one of ${platformComponents.join(', ')}`,
      );
    }
    return { component: n.component, reason: n.reason, pointer };
  });
}

function resolveOrganisations(
  loaded: LoadedBlueprint,
  problem: (pointer: string, message: string) => void,
): Map<string, ModelOrganisation> {
  const { mediator } = loaded.blueprint;
  const out = new Map<string, ModelOrganisation>();
  const members = new Map<string, string>();
  mediator.organisations.forEach((org, i) => {
    const pointer = `/mediator/organisations/${i}`;
    if (out.has(org.name)) problem(joinPointer(pointer, 'name'), `organisation "${org.name}" is declared twice`);
    if (!mediator.memberClasses.includes(org.class)) {
      problem(
        joinPointer(pointer, 'class'),
        `member class "${org.class}" is not in /mediator/memberClasses (${mediator.memberClasses.join(', ')})`,
      );
    }
    const member = `${org.class}/${org.code}`;
    const holder = members.get(member);
    if (holder) problem(joinPointer(pointer, 'code'), `member ${member} is already organisation "${holder}"`);
    members.set(member, org.name);
    out.set(org.name, { name: org.name, title: org.title ?? org.name, memberClass: org.class, memberCode: org.code });
  });
  return out;
}

function resolveSizing(
  id: string,
  decl: BuildingBlockDecl,
  product: ProductOption,
  environment: string,
  singleReplicaJustified: boolean,
  problem: (message: string) => void,
): { replicas: number; resources: ModelBuildingBlock['resources'] } {
  const profile = sizeProfiles[decl.size ?? (environment === 'prod' ? 'medium' : 'small')];
  const base = product.kind === 'image' ? product.resources : chartDefaultResources;
  const replicas = decl.replicas ?? profile.replicas;
  if (environment === 'prod' && replicas < 2 && product.kind !== 'external' && !singleReplicaJustified) {
    problem(`${id} runs 1 replica in prod; use 2 or more (govstack-cfr-deployment#req-9) or add a justified min-replicas override`);
  }
  return { replicas, resources: decl.resources ?? scaleResources(base, profile.scale) };
}

function scaleResources(r: ResourceProfile, factor: number): ResourceProfile {
  return {
    requests: { cpu: scaleQuantity(r.requests.cpu, factor), memory: scaleQuantity(r.requests.memory, factor) },
    limits: { cpu: scaleQuantity(r.limits.cpu, factor), memory: scaleQuantity(r.limits.memory, factor) },
  };
}

/**
 * Multiply a Kubernetes quantity (`250m`, `0.5`, `512Mi`, `1e3`, or a YAML number such as
 * `5e-324`) by a non-negative integer factor, exactly: the decimal digits are multiplied as an
 * integer and the suffix is kept, so no float rounding changes what was declared. Reads the
 * schema's own `quantityPattern`; throws on text that does not match it (the schema refused it
 * before the model is built).
 */
export function scaleQuantity(quantity: string | number, factor: number): string {
  const text = String(quantity);
  const match = new RegExp(quantityPattern).exec(text);
  if (!match || !Number.isSafeInteger(factor) || factor < 0) throw new Error(`cannot scale ${text} by ${factor}`);
  const [, , number, , suffix = ''] = match;
  const [whole, fraction = ''] = number.split('.');
  const digits = (BigInt(`${whole}${fraction}` || '0') * BigInt(factor)).toString().padStart(fraction.length + 1, '0');
  const scaledWhole = digits.slice(0, digits.length - fraction.length);
  const scaledFraction = digits.slice(digits.length - fraction.length).replace(/0+$/, '');
  return `${scaledWhole}${scaledFraction ? `.${scaledFraction}` : ''}${suffix}`;
}

function resolveFlows(
  enabled: Map<string, BuildingBlockDecl>,
  byId: Map<string, ModelBuildingBlock>,
  declared: [string, BuildingBlockDecl][],
  sectionOf: (id: string) => string,
  problem: (pointer: string, message: string) => void,
): Flow[] {
  const flows: Flow[] = [];
  const declaredIds = new Set(declared.map(([id]) => id));
  for (const [from, decl] of enabled) {
    const seen = new Set<string>();
    (decl.consumes ?? []).forEach((flow, i) => {
      const pointer = `${sectionOf(from)}/${from}/consumes/${i}`;
      const provider = byId.get(flow.to);
      const consumer = byId.get(from);
      if (flow.to === from) return problem(joinPointer(pointer, 'to'), `${from} cannot consume itself`);
      if (seen.has(flow.to)) return problem(joinPointer(pointer, 'to'), `flow ${from} -> ${flow.to} is declared twice`);
      seen.add(flow.to);
      if (!provider) {
        const why = declaredIds.has(flow.to) ? 'is disabled' : 'is not declared in /buildingBlocks';
        return problem(joinPointer(pointer, 'to'), `${from} consumes ${flow.to}, which ${why}`);
      }
      const via = flow.via ?? 'mediator';
      if (via === 'direct' && (provider.product.kind === 'external' || consumer?.product.kind === 'external')) {
        return problem(
          joinPointer(pointer, 'via'),
          `a direct flow needs both blocks co-located; ${flow.to === provider.id && provider.product.kind === 'external' ? flow.to : from} runs elsewhere (external), so use the mediator`,
        );
      }
      flows.push({ from, to: flow.to, via, pointer });
    });
  }
  return flows.sort((a, b) => ordinal(a.from, b.from) || ordinal(a.to, b.to));
}

function checkHosts(blocks: readonly ModelBuildingBlock[], problem: (pointer: string, message: string) => void): void {
  const hosts = new Map<string, string>();
  for (const block of blocks) {
    if (!block.host) continue;
    const other = hosts.get(block.host);
    if (other) problem(joinPointer(block.pointer, 'hostname'), `host ${block.host} is already used by ${other}`);
    hosts.set(block.host, block.id);
  }
}

function checkOverrides(
  overrides: readonly AppliedOverride[],
  byId: Map<string, ModelBuildingBlock>,
  problem: (pointer: string, message: string) => void,
): void {
  const seen = new Set<string>();
  for (const o of overrides) {
    const key = `${o.control}/${o.target}`;
    if (seen.has(key)) problem(o.pointer, `override ${o.control} for ${o.target} is declared twice`);
    seen.add(key);
    const block = byId.get(o.target);
    const isPlatform = (platformComponents as readonly string[]).includes(o.target);
    const allowed: Record<AppliedOverride['control'], boolean> = {
      'pod-security': Boolean(block) || isPlatform,
      'run-as-root': block?.product.kind === 'image',
      'min-replicas': Boolean(block),
      egress: Boolean(block),
      'tls-min-version': o.target === 'gateway',
      'mediator-client-auth': Boolean(block) || o.target === 'mediator',
    };
    if (!allowed[o.control]) {
      problem(joinPointer(o.pointer, 'target'), `${o.control} cannot apply to "${o.target}" (${targetHint(o.control)})`);
    }
  }
}

function targetHint(control: AppliedOverride['control']): string {
  switch (control) {
    case 'pod-security':
      return `an enabled building block or one of ${platformComponents.join(', ')}`;
    case 'run-as-root':
      return 'an enabled building block run from an image';
    case 'tls-min-version':
      return 'only the gateway';
    case 'mediator-client-auth':
      return 'an enabled building block (its X-Road subsystem) or mediator (every subsystem)';
    default:
      return 'an enabled building block';
  }
}

/**
 * X-Road's security server image starts its services as root (catalog: mediator), so the
 * mediator namespace runs at `baseline` unless the blueprint sets a level itself.
 */
function mediatorPodSecurity(override: AppliedOverride | undefined): { podSecurity: PodSecurityLevel; podSecurityJustification?: string } {
  if (override) return { podSecurity: override.value as PodSecurityLevel, podSecurityJustification: override.justification };
  if (!mediatorCatalog.securityServer.runsAsRoot) return { podSecurity: 'restricted' };
  return {
    podSecurity: 'baseline',
    podSecurityJustification:
      'The X-Road security server image starts its services with supervisord as root (no non-root variant is published); baseline still forbids privileged mode, host namespaces and host paths.',
  };
}

/**
 * The security server of an organisation: named after it, shortened with a stable hash
 * suffix when longer than the 30 characters the mediator chart allows in object names.
 */
export function securityServerName(organisation: string): string {
  const name = organisation;
  if (name.length <= 30) return name;
  const hash = createHash('sha256').update(organisation).digest('hex').slice(0, 6);
  return `${name.slice(0, 23).replace(/-+$/, '')}-${hash}`;
}

/**
 * The port an alert receiver delivers to when its `deliversTo` names none: the e-mail
 * smarthost's, Slack's webhook port (catalog), otherwise HTTPS 443. The schema requires
 * `deliversTo` for webhook and msteams receivers.
 */
function receiverPort(r: { type: string; email?: { smarthost: string } }): number {
  if (r.email) return Number(r.email.smarthost.slice(r.email.smarthost.lastIndexOf(':') + 1));
  return r.type === 'slack' ? observabilityCatalog.slackWebhook.port : 443;
}
