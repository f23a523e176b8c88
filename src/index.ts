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
export { loadBlueprint, LoadedBlueprint, SourceFile } from './blueprint/load';
export { InputError, Problem, SourceLocation, formatProblem } from './blueprint/problems';
export { resolveModel } from './model/resolve';
export { loadModels } from './model/load-models';
export { synthesize, SynthesizedStack } from './synth/synthesize';

// Blueprint types
export {
  Blueprint,
  BuildingBlockDecl,
  ChartSources,
  Environment,
  Exposure,
  FlowDecl,
  FlowRoute,
  Organisation,
  OverrideControl,
  PodSecurityLevel,
  Resources,
  SecurityOverride,
  SizeProfile,
  StateBackend,
  StateEncryption,
  Target,
  UpstreamComponent,
  upstreamComponents,
} from './blueprint/types';
export { CustomBuildingBlockDecl } from './blueprint/custom-blocks';

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

// Catalog
export { buildingBlocks, findBuildingBlock, gatewayCatalog, mediatorCatalog, observabilityCatalog } from './catalog';
export {
  ApiDescription,
  BuildingBlockEntry,
  ChartProduct,
  EgressNeed,
  ExternalProduct,
  HelmChartRef,
  ImageProduct,
  ImageRef,
  ProductOption,
  ResourceProfile,
  Source,
  StorageNeed,
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
