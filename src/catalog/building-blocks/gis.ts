import { apiDescriber, externalProduct, mockProduct } from '../common';
import { BuildingBlockEntry } from '../types';

const repo = 'bb-gis';
const commit = 'c0c9879601e2dea4015b9df8f3571eecbd6fc247';
const api = apiDescriber(repo, commit);
/** A file's `servers[0].url` path: `https://host/{version}/gisBB/<area>`, `version` default `v1`. */
const server = (serverPath: string) => ({ serverPath });

const apis = [
  api(
    'api/GovStack_GISBB_dataManagement-1.1.0-swagger-2.yaml',
    '3.1.0',
    '1.0.0',
    ['/dataStore', '/dataStoreMetadata', '/editFeature', '/editorTracking', '/extractTransfer', '/replicate', '/userControl'],
    server('/v1/gisBB/dataManagement'),
  ),
  api(
    'api/GovStack_GISBB_geocodingReverseGeocoding-1.1.0-swagger-2.yaml',
    '3.1.0',
    '1.0.0',
    ['/batchGeocode', '/geocode', '/geocodeResult', '/reverseGeocode', '/reverseGeocodeResult'],
    server('/v1/gisBB/geocodingReverseGeocoding'),
  ),
  api('api/GovStack_GISBB_geofencing-1.1.0-swagger-2.yaml', '3.1.0', '1.0.0', ['/geofences'], server('/v1/gisBB/geofencing')),
  api(
    'api/GovStack_GISBB_mapDisplay-1.0.0-swagger-2.yaml',
    '3.1.0',
    '1.0.0',
    ['/bookmarks', '/details', '/measuring', '/navigation', '/notes', '/scale', '/style', '/type'],
    server('/v1/gisBb/mapDisplay'),
  ),
  api(
    'api/GovStack_GISBB_queryGIS-1.1.0-swagger-2.yaml',
    '3.1.0',
    '1.0.0',
    ['/attributeQuery', '/discoveryQuery', '/gisQuery', '/layerMetadata', '/locationalQuery', '/nonSpatialTableMetadata', '/queryResult'],
    server('/v1/gisBB/query'),
  ),
  api(
    'api/GovStack_GISBB_reporting-1.1.0-swagger-2.yaml',
    '3.1.0',
    '1.0.0',
    ['/charts', '/dynamicLayers', '/labels', '/legends', '/northArrows', '/scaleBars', '/templates'],
    server('/v1/gisBB/reporting'),
  ),
  api('api/GovStack_GISBB_routing-1.1.0-swagger-2.yaml', '3.1.0', '1.0.0', ['/routes', '/service-areas'], server('/v1/gisBB/routing')),
  api(
    'api/GovStack_GISBB_spatialAwarenessAnalysisg-1.1.0-swagger-2.yaml',
    '3.1.0',
    '1.0.0',
    ['/executeTask', '/metadata', '/processes', '/taskResult', '/taskStatus', '/terminateTask'],
    server('/v1/gisBB/spatialAwarenessAnalysis'),
  ),
];

/**
 * GIS. Spec 0.4 (govstack.md §1.2). Eight OpenAPI 3.1.0 files, one per functional area. Each
 * file's `servers[0].url` is `https://host/{version}/gisBB/<area>` (version default `v1`), so
 * the paths are meant to be served under `/v1/gisBB/<area>` (mapDisplay's is spelled `gisBb`);
 * the mock serves every file under its own prefix, and each file's X-Road service URL carries it. No candidate
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
    }),
    externalProduct,
  ],
};
