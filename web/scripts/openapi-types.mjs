// Turns the server's OpenAPI 3.1 document (web/openapi.json) into TypeScript: one named type
// per component schema, plus an `Operations` table (method, path, parameters, body and
// success response of every JSON operation) that the API client is typed against, and a
// `Downloads` table of the operations that answer a file (their media types instead). A JSON
// operation whose request body is raw bytes (`application/octet-stream`, an upload) gets
// `body: Blob` and a `rawBody` marker with that media type, so the client sends it unencoded.
//
// Why a home-made generator: openapi-typescript needs TypeScript 5 as a peer and pulls in a
// large dependency tree; the document only uses a small part of JSON Schema. Anything this
// file does not understand throws, so a new construct in the spec fails `npm run gen:api`
// (and the drift test) loudly instead of degrading to `unknown`.
//
// Pure function, no I/O: `scripts/gen-api-types.mjs` writes the file, and
// `src/api/schema.test.ts` regenerates in memory and compares with the committed copy.

const HEADER = `// GENERATED FILE: do not edit. Source: web/openapi.json (served at /api/openapi.json).
// Regenerate with \`npm run gen:api\`; src/api/schema.test.ts fails when this file is stale.
`

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch']

/** `"foo-bar"` stays quoted, `foo_bar` does not. */
function propertyKey(name) {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name)
}

function refName(ref) {
  const prefix = '#/components/schemas/'
  if (typeof ref !== 'string' || !ref.startsWith(prefix)) {
    throw new Error(`unsupported $ref ${JSON.stringify(ref)} (only ${prefix}*)`)
  }
  return ref.slice(prefix.length)
}

/** A JSDoc block from a description, indented; "" when there is none. */
function docComment(description, indent) {
  if (typeof description !== 'string' || !description.trim()) return ''
  const lines = description.trim().split('\n')
  if (lines.length === 1) return `${indent}/** ${lines[0].replaceAll('*/', '*\\/')} */\n`
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l.replaceAll('*/', '*\\/')}`.trimEnd()).join('\n')}\n${indent} */\n`
}

/** Wraps unions and intersections in parentheses where `[]` would bind wrongly. */
function arrayOf(inner) {
  return /[|&]/.test(inner) ? `(${inner})[]` : `${inner}[]`
}

const SCALARS = { string: 'string', integer: 'number', number: 'number', boolean: 'boolean', null: 'null' }

const KNOWN_KEYWORDS = new Set([
  'type',
  'format',
  'description',
  'minimum',
  'maximum',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'allOf',
  'oneOf',
  'anyOf',
  '$ref',
  'enum',
  'example',
  'examples',
  'default',
  'title',
])

/** Keywords that describe a schema without constraining it. */
const ANNOTATIONS = new Set(['description', 'example', 'examples', 'default', 'title'])

/** The TypeScript type of a JSON schema, at the given indentation (for object literals). */
export function schemaToType(schema, indent = '') {
  if (schema === true || schema === undefined) return 'unknown'
  if (schema === false) return 'never'
  if (typeof schema !== 'object' || schema === null) {
    throw new Error(`unsupported schema ${JSON.stringify(schema)}`)
  }
  for (const key of Object.keys(schema)) {
    if (!KNOWN_KEYWORDS.has(key)) throw new Error(`unsupported schema keyword "${key}"`)
  }
  // `{}` (annotations at most) accepts any JSON value, like `true`: free-form data such as
  // an audit entry's before/after.
  if (Object.keys(schema).every((key) => ANNOTATIONS.has(key))) return 'unknown'
  if (schema.$ref) return refName(schema.$ref)
  if (schema.allOf) return schema.allOf.map((s) => schemaToType(s, indent)).join(' & ')
  if (schema.oneOf || schema.anyOf) {
    return (schema.oneOf ?? schema.anyOf).map((s) => schemaToType(s, indent)).join(' | ')
  }
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ')

  const types = Array.isArray(schema.type) ? schema.type : [schema.type]
  if (types.length === 0 || types.some((t) => typeof t !== 'string')) {
    throw new Error(`schema without a usable "type": ${JSON.stringify(schema)}`)
  }
  return types.map((t) => singleType(t, schema, indent)).join(' | ')
}

function singleType(type, schema, indent) {
  if (type in SCALARS) return SCALARS[type]
  if (type === 'array') return arrayOf(schemaToType(schema.items, indent))
  if (type === 'object') return objectType(schema, indent)
  throw new Error(`unsupported type "${type}"`)
}

function objectType(schema, indent) {
  const props = schema.properties ?? {}
  const required = new Set(schema.required ?? [])
  const extra = schema.additionalProperties
  const names = Object.keys(props)
  if (names.length === 0) {
    // A map (`additionalProperties: {schema}`), or a free-form object the spec leaves open.
    if (extra && typeof extra === 'object') return `Record<string, ${schemaToType(extra, indent)}>`
    return extra === false ? 'Record<string, never>' : 'Record<string, unknown>'
  }
  const inner = `${indent}  `
  const lines = names.map((name) => {
    const optional = required.has(name) ? '' : '?'
    return `${docComment(props[name].description, inner)}${inner}${propertyKey(name)}${optional}: ${schemaToType(props[name], inner)}\n`
  })
  const literal = `{\n${lines.join('')}${indent}}`
  if (extra && typeof extra === 'object') {
    return `${literal} & Record<string, ${schemaToType(extra, indent)}>`
  }
  return literal
}

/** `export interface X {…}` for plain objects, `export type X = …` for everything else. */
function namedSchema(name, schema) {
  const doc = docComment(schema.description, '')
  const type = schemaToType(schema, '')
  const isPlainObject = type.startsWith('{') && type.endsWith('}') && !/^\{[\s\S]*\}\s*[&|]/.test(type)
  return isPlainObject ? `${doc}export interface ${name} ${type}\n` : `${doc}export type ${name} = ${type}\n`
}

/** One concrete media type (`text/html`, `application/pdf`): no wildcard, no parameters. */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/

function jsonSchemaOf(content, where) {
  if (!content) return undefined
  const json = content['application/json']
  if (!json) throw new Error(`${where}: only application/json content is supported`)
  return json.schema
}

/** The one media type of a request body that is sent as raw bytes instead of JSON. */
const RAW_BODY = 'application/octet-stream'

/**
 * A request body: `{ type }` (TypeScript) and, for a raw upload (an agent release's binary),
 * `raw` with its media type. A raw body is a `Blob` whatever its schema says (the server's
 * `Vec<u8>` reads as an array of integers); it must be the only content type offered. Any
 * other non-JSON body (multipart, a form) still throws.
 */
function requestBody(content, where) {
  if (content && !content['application/json'] && content[RAW_BODY]) {
    const types = Object.keys(content)
    if (types.length !== 1) throw new Error(`${where}: a raw request body takes ${RAW_BODY} alone`)
    return { type: 'Blob', raw: RAW_BODY }
  }
  const schema = jsonSchemaOf(content, where)
  return { type: schema === undefined ? 'never' : schemaToType(schema, '    ') }
}

/**
 * The success answer (the lowest 2xx): `{ type }` for a JSON body, `void` for 204-style
 * answers, or `{ files }` with the media types of an answer that is a file instead (an HTML
 * or PDF report, chosen by a query parameter): one content type or more, none of them JSON,
 * in the document's order.
 */
function successAnswer(operation, where) {
  const codes = Object.keys(operation.responses ?? {})
    .filter((c) => /^2\d\d$/.test(c))
    .sort()
  if (codes.length === 0) throw new Error(`${where}: no 2xx response`)
  const content = operation.responses[codes[0]].content
  if (content && !content['application/json']) {
    const types = Object.keys(content)
    if (types.length === 0) throw new Error(`${where}: a file answer needs a content type`)
    for (const type of types) {
      if (!MEDIA_TYPE.test(type)) throw new Error(`${where}: unsupported content type ${JSON.stringify(type)}`)
    }
    return { files: types }
  }
  const schema = jsonSchemaOf(content, where)
  return { type: schema === undefined ? 'void' : schemaToType(schema, '    ') }
}

function paramsType(params, location, indent) {
  const list = params.filter((p) => p.in === location)
  if (list.length === 0) return 'never'
  const lines = list.map((p) => {
    const optional = p.required ? '' : '?'
    return `${docComment(p.description, `${indent}  `)}${indent}  ${propertyKey(p.name)}${optional}: ${schemaToType(p.schema, `${indent}  `)}\n`
  })
  return `{\n${lines.join('')}${indent}}`
}

function operationEntries(doc) {
  const entries = []
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = item[method]
      if (!op) continue
      const where = `${method.toUpperCase()} ${path}`
      if (!op.operationId) throw new Error(`${where}: missing operationId`)
      // An optional header (an agent's If-None-Match) is the caller's business: the typed
      // client sends none, so it is left out; a required one would leave calls incomplete.
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].filter((p) => p.in !== 'header' || p.required)
      for (const p of params) {
        if (p.$ref) throw new Error(`${where}: parameter $ref is not supported`)
        if (!['path', 'query'].includes(p.in)) throw new Error(`${where}: ${p.in} parameters are not supported`)
      }
      const body = requestBody(op.requestBody?.content, where)
      const answer = successAnswer(op, where)
      entries.push({
        id: op.operationId,
        method: method.toUpperCase(),
        path,
        summary: op.summary ?? op.description,
        pathParams: paramsType(params, 'path', '    '),
        query: paramsType(params, 'query', '    '),
        body: body.type,
        rawBody: body.raw,
        response: answer.type,
        files: answer.files,
      })
    }
  }
  return entries
}

/** Refuses an operationId twice in one table: the tables are keyed by it. */
function assertUnique(entries, table) {
  const seen = new Set()
  for (const e of entries) {
    if (seen.has(e.id)) throw new Error(`duplicate operationId "${e.id}" in ${table}`)
    seen.add(e.id)
  }
}

/** The whole generated module as text. Deterministic: same document, same bytes. */
export function generateSchemaTypes(doc) {
  if (typeof doc?.openapi !== 'string' || !doc.openapi.startsWith('3.')) {
    throw new Error('not an OpenAPI 3 document')
  }
  const out = [HEADER]
  out.push(`\n/** Version of the API document these types were generated from. */\n`)
  out.push(`export const API_VERSION = ${JSON.stringify(doc.info?.version ?? '')}\n`)

  out.push('\n// --- component schemas ---------------------------------------------------------\n\n')
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
    out.push(namedSchema(name, schema), '\n')
  }

  // JSON operations go to `Operations` (the client's `call()`), the ones that answer a file to
  // `Downloads` (`download()`): each table is keyed by operationId.
  const entries = operationEntries(doc)
  const ops = entries.filter((e) => !e.files)
  const files = entries.filter((e) => e.files)
  for (const e of files) {
    if (e.rawBody) throw new Error(`${e.method} ${e.path}: a raw request body with a file answer is not supported`)
  }
  assertUnique(ops, 'Operations')
  assertUnique(files, 'Downloads')

  out.push('// --- operations ----------------------------------------------------------------\n\n')
  out.push('/** Every operation by operationId: where it lives and what goes in and out. */\n')
  out.push('export interface Operations {\n')
  for (const op of ops) {
    out.push(docComment(op.summary, '  '))
    out.push(`  ${propertyKey(op.id)}: {\n`)
    out.push(`    method: ${JSON.stringify(op.method)}\n`)
    out.push(`    path: ${JSON.stringify(op.path)}\n`)
    out.push(`    pathParams: ${op.pathParams}\n`)
    out.push(`    query: ${op.query}\n`)
    out.push(`    body: ${op.body}\n`)
    if (op.rawBody)
      out.push(
        `    /** The body goes as raw bytes with this Content-Type, not as JSON. */\n    rawBody: ${JSON.stringify(op.rawBody)}\n`,
      )
    out.push(`    response: ${op.response}\n`)
    out.push('  }\n')
  }
  out.push('}\n\n')
  out.push('/** Method and path template of every operation, for the client at run time. */\n')
  out.push('export const OPERATIONS = {\n')
  for (const op of ops) {
    const raw = op.rawBody ? `, rawBody: ${JSON.stringify(op.rawBody)}` : ''
    out.push(`  ${propertyKey(op.id)}: { method: ${JSON.stringify(op.method)}, path: ${JSON.stringify(op.path)}${raw} },\n`)
  }
  out.push(
    "} as const satisfies { [K in keyof Operations]: { method: Operations[K]['method']; path: Operations[K]['path'] } & (Operations[K] extends { rawBody: infer R } ? { rawBody: R } : { rawBody?: never }) }\n",
  )

  out.push('\n// --- downloads -----------------------------------------------------------------\n\n')
  out.push('/** The operations that answer a file instead of JSON, by operationId: what goes in, what comes out. */\n')
  out.push('export interface Downloads {\n')
  for (const op of files) {
    out.push(docComment(op.summary, '  '))
    out.push(`  ${propertyKey(op.id)}: {\n`)
    out.push(`    method: ${JSON.stringify(op.method)}\n`)
    out.push(`    path: ${JSON.stringify(op.path)}\n`)
    out.push(`    pathParams: ${op.pathParams}\n`)
    out.push(`    query: ${op.query}\n`)
    out.push(`    body: ${op.body}\n`)
    out.push(`    contentType: ${op.files.map((t) => JSON.stringify(t)).join(' | ')}\n`)
    out.push('  }\n')
  }
  out.push('}\n\n')
  out.push('/** Method, path template and media types of every download, for the client at run time. */\n')
  out.push('export const DOWNLOADS = {\n')
  for (const op of files) {
    out.push(
      `  ${propertyKey(op.id)}: { method: ${JSON.stringify(op.method)}, path: ${JSON.stringify(op.path)}, contentTypes: [${op.files.map((t) => JSON.stringify(t)).join(', ')}] },\n`,
    )
  }
  out.push(
    "} as const satisfies { [K in keyof Downloads]: { method: Downloads[K]['method']; path: Downloads[K]['path']; contentTypes: readonly Downloads[K]['contentType'][] } }\n",
  )
  return out.join('')
}
