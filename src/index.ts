/**
 * govstack-blueprint: declare a country's GovStack deployment (building blocks, gateways,
 * information mediator, observability) as a validated blueprint, in YAML or in TypeScript,
 * and synthesise Terraform for any Kubernetes cluster.
 *
 * The public API, chosen name by name: constructs, the blueprint and catalog types, and the
 * functions that load, validate, resolve and synthesise. Everything else is internal and may
 * change without notice.
 *
 * @packageDocumentation
 */

// Constructs
export { GovStackApp, GovStackAppProps } from './api/app';
export { CountryDeployment, CountryDeploymentProps } from './constructs/country-deployment';
export { BuildingBlock, BuildingBlockProps, ReleaseSettings } from './constructs/building-block';
export { ClusterTarget, ClusterTargetProps } from './constructs/cluster-target';
export { Gateway, GatewayProps } from './constructs/gateway';
export { InformationMediator, InformationMediatorProps } from './constructs/information-mediator';
export { IsolatedNamespace, IsolatedNamespaceProps } from './constructs/isolated-namespace';
export { Observability, ObservabilityProps } from './constructs/observability';

// Load, validate, resolve, synthesise
export { loadBlueprintObject, resolveBlueprint, BlueprintObjectOptions } from './api/from-object';
export { loadBlueprint, LoadedBlueprint, LoadOptions, SourceFile } from './blueprint/load';
export { InputError, Problem, SourceLocation, formatProblem } from './blueprint/problems';
export { resolveModel } from './model/resolve';
export { loadModels } from './model/load-models';
export { synthesize, SynthesizedStack, SynthesizeOptions } from './synth/synthesize';
export { PublishStep } from './synth/publish';

// Blueprint types
export {
  Blueprint,
  BuildingBlockDecl,
  ChartSources,
  DocumentSources,
  Environment,
  Exposure,
  FlowDecl,
  FlowRoute,
  NoWait,
  Organisation,
  OverrideControl,
  PodSecurityLevel,
  Resources,
  SecurityOverride,
  SizeProfile,
  StateBackend,
  StateEncryption,
  Target,
  TargetNetwork,
  UpstreamComponent,
  upstreamComponents,
} from './blueprint/types';
export { CustomBlockApi, CustomBuildingBlockDecl } from './blueprint/custom-blocks';
export {
  CustomChartProductDecl,
  CustomImageProductDecl,
  CustomProductApi,
  CustomProductCommon,
  CustomProductDecl,
  CustomTcpHealthCheck,
} from './blueprint/custom-products';

// Deployment model
export {
  AppliedOverride,
  DeploymentModel,
  Flow,
  GatewayRoute,
  ModelBuildingBlock,
  ModelGateway,
  ModelMediator,
  ModelObservability,
  ModelOrganisation,
} from './model/types';
export { AddressEndpoint, Connection, ConnectionReason, Endpoint, PodsEndpoint } from './model/connections/types';
export { ApiDocument } from './model/service-descriptions';
export { ModelCompliance } from './model/compliance';
export { DocumentEgress } from './model/documents';

// Catalog
export { buildingBlocks, findBuildingBlock, gatewayCatalog, mediatorCatalog, observabilityCatalog } from './catalog';
export {
  ApiDescription,
  BuildingBlockEntry,
  ChartPods,
  ChartProduct,
  DuplicateKey,
  EgressNeed,
  ExternalProduct,
  HelmChartRef,
  ImageProduct,
  ImageRef,
  PodPort,
  ProductOption,
  ResourceProfile,
  Source,
  ServedDocuments,
  StartupDocument,
  StorageNeed,
  TcpHealthCheck,
} from './catalog/types';
export {
  CentralServerPorts,
  GatewayEntry,
  MediatorEntry,
  ObservabilityComponent,
  ObservabilityEntry,
  ObservabilityValuesOptions,
  SecurityServerPorts,
} from './catalog/platform-types';
