#!/usr/bin/env node
// `npm run gen:api`: regenerate src/api/schema.ts from openapi.json (the document the server
// serves at /api/openapi.json; a Rust test keeps the two identical). Commit the result.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { generateSchemaTypes } from './openapi-types.mjs'

const specPath = fileURLToPath(new URL('../openapi.json', import.meta.url))
const outPath = fileURLToPath(new URL('../src/api/schema.ts', import.meta.url))

const text = generateSchemaTypes(JSON.parse(readFileSync(specPath, 'utf8')))
writeFileSync(outPath, text)
console.log(`wrote ${outPath} (${text.length} bytes)`)
