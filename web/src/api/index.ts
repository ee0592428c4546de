// The API layer: the typed client, the generated OpenAPI types and the hand-written agent types.
export * from './client'
export type * from './schema'
export * from './agents'
