import { apiDescriber, externalProduct, mockProduct } from '../common';
import { BuildingBlockEntry } from '../types';

const repo = 'bb-gis';
const commit = 'c0c9879601e2dea4015b9df8f3571eecbd6fc247';
const api = apiDescriber(repo, commit);

const apis = [
  api('api/GovStack_GISBB_dataManagement-1.1.0-swagger-2.yaml', '3.1.0', '1.0.0', [
    '/dataStore',
    '/dataStoreMetadata',
    '/editFeature',
    '/editorTracking',
    '/extractTransfer',
    '/replicate',
    '/userControl',
  ]),
  api('api/GovStack_GISBB_geocodingReverseGeocoding-1.1.0-swagger-2.yaml', '3.1.0', '1.0.0', [
    '/batchGeocode',
    '/geocode',
    '/geocodeResult',
    '/reverseGeocode',
    '/reverseGeocodeResult',
  ]),
  api('api/GovStack_GISBB_geofencing-1.1.0-swagger-2.yaml', '3.1.0', '1.0.0', ['/geofences']),
  api('api/GovStack_GISBB_mapDisplay-1.0.0-swagger-2.yaml', '3.1.0', '1.0.0', [
    '/bookmarks',
    '/details',
    '/measuring',
    '/navigation',
    '/notes',
    '/scale',
    '/style',
    '/type',
  ]),
  api('api/GovStack_GISBB_queryGIS-1.1.0-swagger-2.yaml', '3.1.0', '1.0.0', [
    '/attributeQuery',
    '/discoveryQuery',
    '/gisQuery',
    '/layerMetadata',
    '/locationalQuery',
    '/nonSpatialTableMetadata',
    '/queryResult',
  ]),
  api('api/GovStack_GISBB_reporting-1.1.0-swagger-2.yaml', '3.1.0', '1.0.0', [
    '/charts',
    '/dynamicLayers',
    '/labels',
    '/legends',
    '/northArrows',
    '/scaleBars',
    '/templates',
  ]),
  api('api/GovStack_GISBB_routing-1.1.0-swagger-2.yaml', '3.1.0', '1.0.0', ['/routes', '/service-areas']),
  api('api/GovStack_GISBB_spatialAwarenessAnalysisg-1.1.0-swagger-2.yaml', '3.1.0', '1.0.0', [
    '/executeTask',
    '/metadata',
    '/processes',
    '/taskResult',
    '/taskStatus',
    '/terminateTask',
  ]),
];

/**
 * GIS. Spec 0.4 (govstack.md §1.2). Eight OpenAPI 3.1.0 files, one per functional area. Each
 * file's `servers[0].url` is `https://host/{version}/gisBB/<area>` (version default `v1`), so
 * the paths are meant to be served under `/v1/gisBB/<area>` (mapDisplay's is spelled `gisBb`);
 * the mock serves every file under its own prefix. No candidate
 * product was found.
 */
export const gis: BuildingBlockEntry = {
  id: 'gis',
  title: 'GIS',
  spec: { repository: `GovStackWorkingGroup/${repo}`, commit, version: '0.4' },
  apis,
  servicePort: 8080,
  products: [
    mockProduct({
      repo,
      commit,
      apis,
      healthPath: '/v1/gisBB/query/layerMetadata',
      // The mediator's service URLs carry one prefix per product: the query API's. The mock serves
      // every file under its own prefix; the other seven files' X-Road services miss theirs.
      apiPathPrefix: '/v1/gisBB/query',
      caveats: [
        "the mediator's service URL carries the query API's prefix (/v1/gisBB/query) for all eight GIS services, so through X-Road only the query API reaches its paths",
      ],
    }),
    externalProduct,
  ],
};
