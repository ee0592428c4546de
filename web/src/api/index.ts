// The API layer: the typed client and the types generated from openapi.json.
export * from './client'
export type * from './schema'
