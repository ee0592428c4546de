import { describe, expect, it } from 'vitest'
// ?raw: the files' exact text, read by Vite (no Node typings needed in the app's tsconfig).
import specText from '../../openapi.json?raw'
import committed from './schema.ts?raw'
import { generateSchemaTypes, schemaToType } from '../../scripts/openapi-types.mjs'

describe('generated API types (contract drift guard)', () => {
  it('src/api/schema.ts is exactly what openapi.json generates (run `npm run gen:api`)', () => {
    const fresh = generateSchemaTypes(JSON.parse(specText))
    // A plain equality check prints a useless 20 kB diff; point at the first difference.
    if (fresh !== committed) {
      const lines = fresh.split('\n')
      const old = committed.split('\n')
      const at = lines.findIndex((line, i) => line !== old[i])
      expect.fail(
        `schema.ts is stale at line ${at + 1}: expected ${JSON.stringify(lines[at])}, found ${JSON.stringify(old[at])}. Run \`npm run gen:api\`.`,
      )
    }
  })

  it('covers every operation of openapi.json', () => {
    const spec = JSON.parse(specText) as { paths: Record<string, Record<string, { operationId: string }>> }
    const ids = Object.values(spec.paths).flatMap((item) => Object.values(item).map((op) => op.operationId))
    for (const id of ids) expect(committed).toContain(`  ${id}: { method: `)
  })
})

describe('schemaToType', () => {
  it('maps scalars, nullable types and arrays', () => {
    expect(schemaToType({ type: 'string', format: 'uuid' })).toBe('string')
    expect(schemaToType({ type: 'integer', minimum: 0 })).toBe('number')
    expect(schemaToType({ type: ['string', 'null'] })).toBe('string | null')
    expect(schemaToType({ type: 'array', items: { type: 'integer' } })).toBe('number[]')
    expect(schemaToType({ type: 'array', items: { type: ['string', 'null'] } })).toBe('(string | null)[]')
  })

  it('marks properties outside `required` optional and keeps descriptions', () => {
    const type = schemaToType({
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string' }, note: { type: ['string', 'null'], description: 'Free text.' } },
    })
    expect(type).toBe('{\n  id: string\n  /** Free text. */\n  note?: string | null\n}')
  })

  it('turns maps, refs and allOf into Record, names and intersections', () => {
    expect(schemaToType({ type: 'object', additionalProperties: { type: 'integer' } })).toBe('Record<string, number>')
    expect(schemaToType({ type: 'object' })).toBe('Record<string, unknown>')
    expect(schemaToType({ $ref: '#/components/schemas/AssetView' })).toBe('AssetView')
    expect(schemaToType({ allOf: [{ $ref: '#/components/schemas/A' }, { $ref: '#/components/schemas/B' }] })).toBe('A & B')
    expect(schemaToType({ enum: ['asc', 'desc'] })).toBe('"asc" | "desc"')
  })

  it('reads the empty schema (annotations at most) as any value', () => {
    expect(schemaToType({})).toBe('unknown')
    expect(schemaToType({ description: 'Free-form.' })).toBe('unknown')
  })

  it('refuses what it does not understand instead of guessing', () => {
    expect(() => schemaToType({ type: 'string', pattern: '^a' })).toThrow(/pattern/)
    expect(() => schemaToType({ $ref: 'other.json#/X' })).toThrow(/\$ref/)
    expect(() => schemaToType({ type: 'tuple' })).toThrow(/tuple/)
  })
})

describe('generateSchemaTypes', () => {
  const doc = {
    openapi: '3.1.0',
    info: { version: '9.9.9' },
    paths: {
      '/api/things/{id}': {
        put: {
          operationId: 'thing_put',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'dry', in: 'query', required: false, schema: { type: 'boolean' } },
          ],
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
          responses: { '204': {}, '400': {} },
        },
      },
    },
    components: { schemas: { Thing: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } } },
  }

  it('emits schemas, the typed operation table and the runtime table', () => {
    const out = generateSchemaTypes(doc)
    expect(out).toContain('export const API_VERSION = "9.9.9"')
    expect(out).toContain('export interface Thing {\n  name: string\n}')
    expect(out).toContain('pathParams: {\n      id: string\n    }')
    expect(out).toContain('query: {\n      dry?: boolean\n    }')
    expect(out).toContain('body: Thing')
    expect(out).toContain('response: void')
    expect(out).toContain('thing_put: { method: "PUT", path: "/api/things/{id}" },')
  })

  it('leaves out optional header parameters (the client sends none) and refuses required ones', () => {
    const withHeader = structuredClone(doc) as unknown as { paths: Record<string, Record<string, { parameters: object[] }>> }
    const params = withHeader.paths['/api/things/{id}']!.put!.parameters
    params.push({ name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } })
    expect(generateSchemaTypes(withHeader)).toBe(generateSchemaTypes(doc))
    params.push({ name: 'X-Required', in: 'header', required: true, schema: { type: 'string' } })
    expect(() => generateSchemaTypes(withHeader)).toThrow(/header parameters/)
  })

  it('puts operations that answer a file in the download table, with their media types', () => {
    const withFile = structuredClone(doc) as unknown as { paths: Record<string, object> }
    const report = (operationId: string, content: object) => ({
      get: {
        operationId,
        parameters: [{ name: 'site', in: 'query', required: false, schema: { type: 'string' } }],
        responses: { '200': { content }, '400': {} },
      },
    })
    withFile.paths['/api/reports/thing'] = report('thing_report', { 'text/html': {} })
    const out = generateSchemaTypes(withFile)
    const [operations, downloads] = out.split('// --- downloads')
    expect(operations).not.toContain('thing_report')
    expect(downloads).toContain('export interface Downloads {\n  thing_report: {\n    method: "GET"')
    expect(downloads).toContain('query: {\n      site?: string\n    }')
    expect(downloads).toContain('contentType: "text/html"\n')
    expect(downloads).toContain('thing_report: { method: "GET", path: "/api/reports/thing", contentTypes: ["text/html"] },')

    withFile.paths['/api/reports/other'] = report('thing_report', { 'text/csv': {} })
    expect(() => generateSchemaTypes(withFile)).toThrow(/duplicate operationId "thing_report" in Downloads/)
  })

  it('gives a file answer with several media types (a query parameter picks one) all of them, in order', () => {
    const withFile = structuredClone(doc) as unknown as { paths: Record<string, object> }
    const report = (content: object) => ({
      get: { operationId: 'thing_report', responses: { '200': { content }, '400': {} } },
    })
    withFile.paths['/api/reports/thing'] = report({ 'application/pdf': {}, 'text/html': {} })
    const downloads = generateSchemaTypes(withFile).split('// --- downloads')[1]
    expect(downloads).toContain('    contentType: "application/pdf" | "text/html"\n')
    expect(downloads).toContain(
      'thing_report: { method: "GET", path: "/api/reports/thing", contentTypes: ["application/pdf", "text/html"] },',
    )
    expect(downloads).toContain("contentTypes: readonly Downloads[K]['contentType'][]")

    // Still strict: a file answer names at least one concrete media type.
    withFile.paths['/api/reports/thing'] = report({})
    expect(() => generateSchemaTypes(withFile)).toThrow(/a file answer needs a content type/)
    withFile.paths['/api/reports/thing'] = report({ 'application/pdf': {}, '*/*': {} })
    expect(() => generateSchemaTypes(withFile)).toThrow(/unsupported content type "\*\/\*"/)
    withFile.paths['/api/reports/thing'] = report({ 'text/html; charset=utf-8': {} })
    expect(() => generateSchemaTypes(withFile)).toThrow(/unsupported content type/)
  })

  it('types a raw octet-stream request body as a Blob and marks it for the client; still strict', () => {
    const withUpload = structuredClone(doc) as unknown as { paths: Record<string, object> }
    const upload = (content: object) => ({
      post: {
        operationId: 'thing_upload',
        requestBody: { content, required: true },
        responses: { '201': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } } },
      },
    })
    const bytes = { type: 'array', items: { type: 'integer', format: 'int32', minimum: 0 } }
    withUpload.paths['/api/uploads'] = upload({ 'application/octet-stream': { schema: bytes } })
    const [operations, downloads] = generateSchemaTypes(withUpload).split('// --- downloads')
    expect(operations).toContain('  thing_upload: {\n    method: "POST"\n    path: "/api/uploads"\n')
    expect(operations).toContain('    body: Blob\n')
    expect(operations).toContain('    rawBody: "application/octet-stream"\n    response: Thing\n')
    expect(operations).toContain('thing_upload: { method: "POST", path: "/api/uploads", rawBody: "application/octet-stream" },')
    // A JSON operation carries no marker.
    expect(operations).toContain('thing_put: { method: "PUT", path: "/api/things/{id}" },')
    expect(downloads).not.toContain('thing_upload')

    // Raw bytes alone; any other non-JSON body is still refused.
    withUpload.paths['/api/uploads'] = upload({ 'application/octet-stream': {}, 'text/plain': {} })
    expect(() => generateSchemaTypes(withUpload)).toThrow(/application\/octet-stream alone/)
    withUpload.paths['/api/uploads'] = upload({ 'multipart/form-data': {} })
    expect(() => generateSchemaTypes(withUpload)).toThrow(/only application\/json content is supported/)
  })

  it('puts an octet-stream answer (a binary download) in the download table', () => {
    const withFile = structuredClone(doc) as unknown as { paths: Record<string, object> }
    withFile.paths['/api/blobs/{id}'] = {
      get: {
        operationId: 'blob_get',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { content: { 'application/octet-stream': {} } }, '404': {} },
      },
    }
    const downloads = generateSchemaTypes(withFile).split('// --- downloads')[1]
    expect(downloads).toContain(
      'blob_get: { method: "GET", path: "/api/blobs/{id}", contentTypes: ["application/octet-stream"] },',
    )
  })

  it('is deterministic', () => {
    expect(generateSchemaTypes(doc)).toBe(generateSchemaTypes(structuredClone(doc)))
  })

  it('rejects operations without an operationId and non-OpenAPI input', () => {
    const bad = structuredClone(doc) as { paths: Record<string, Record<string, { operationId?: string }>> }
    delete bad.paths['/api/things/{id}']!.put!.operationId
    expect(() => generateSchemaTypes(bad)).toThrow(/operationId/)
    expect(() => generateSchemaTypes({ swagger: '2.0' })).toThrow(/OpenAPI 3/)
  })
})
