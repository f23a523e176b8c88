import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { blueprintsDir } from '../paths';
import { schemaAndValidator } from './validate';

/** Where the published schema lives, for editors (`# yaml-language-server: $schema=…`) and CI. */
export const publishedSchemaPath = path.join(blueprintsDir, 'blueprint.schema.json');

/** The published schema's exact text: generated from the catalog, so it never drifts. */
export function publishedSchemaText(): string {
  return JSON.stringify(schemaAndValidator().schema, null, 2) + '\n';
}

if (require.main === module) {
  writeFileSync(publishedSchemaPath, publishedSchemaText());
  process.stdout.write(`wrote ${path.relative(process.cwd(), publishedSchemaPath)}\n`);
}
