import { readFileSync } from 'node:fs';
import { blueprintTypesPath, documentedBlueprintTypes } from '../../scripts/blueprint-type-docs';

// The blueprint types' property comments are the schema's descriptions (one source of truth):
// a schema description edited without `npm run types:docs` fails here.
test('the blueprint types carry the schema descriptions (npm run types:docs)', () => {
  const committed = readFileSync(blueprintTypesPath, 'utf8');
  expect(documentedBlueprintTypes(committed)).toBe(committed);
});

test('a property the schema does not describe is named, not left undocumented', () => {
  const source = 'export interface Organisation {\n  readonly name: string;\n  readonly nickname: string;\n}\n';
  expect(() => documentedBlueprintTypes(source)).toThrow('no schema description for Organisation.nickname');
});

test('a property sharing a line cannot take its comment and is named', () => {
  const source = 'export interface FlowDecl {\n  readonly to: string; readonly via?: FlowRoute;\n}\n';
  expect(() => documentedBlueprintTypes(source)).toThrow('FlowDecl.via (not on a line of its own');
});

test('a stale comment is replaced by the schema description', () => {
  const source = 'export interface FlowDecl {\n  /** stale */\n  readonly to: string;\n}\n';
  expect(documentedBlueprintTypes(source)).toContain('/** Id of the building block called');
});
