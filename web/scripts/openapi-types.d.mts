// Types for scripts/openapi-types.mjs, so src/api/schema.test.ts can import it under strict TS.

/** The TypeScript type of one JSON schema. */
export function schemaToType(schema: unknown, indent?: string): string

/** The whole generated src/api/schema.ts for an OpenAPI 3 document. */
export function generateSchemaTypes(doc: unknown): string
