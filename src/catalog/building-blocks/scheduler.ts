import { apiDescriber, externalProduct, mockProduct } from '../common';
import { BuildingBlockEntry } from '../types';

const repo = 'bb-scheduler';
const commit = 'd425be5cc0d6c606f351e5bf89be6d5c6c83c468';
const api = apiDescriber(repo, commit);

/** Path of the spec's `servers[0].url` (an X-Road service address), which Mockoon uses as route prefix. */
const serverPath = '/r1/eGovStack/COM/11222456/SchedulerBB/creg';

const apis = [
  api(
    'api/Govstack_scheduler_BB_APIs.json',
    '3.0.1',
    '1.0.0',
    ['/affiliation', '/alert_schedule', '/appointment', '/entity', '/event', '/log', '/message', '/resource', '/subscriber'],
    { serverPath },
  ),
];

/**
 * Scheduler. Spec 1.1 (govstack.md §1.2). No candidate product was found (govstack.md §1.2, §6).
 */
export const scheduler: BuildingBlockEntry = {
  id: 'scheduler',
  title: 'Scheduler',
  spec: { repository: `GovStackWorkingGroup/${repo}`, commit, version: '1.1' },
  apis,
  servicePort: 8080,
  products: [
    mockProduct({
      repo,
      commit,
      apis,
      healthPath: `${serverPath}/event/list_details`,
    }),
    externalProduct,
  ],
};
