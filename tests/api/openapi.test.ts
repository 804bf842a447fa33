// The OpenAPI document describes exactly the API that exists: every route file under app/api has
// its path (and each of its methods) in the document, and the document names no path without a
// route file. A new route without documentation, or a removed one still documented, fails here.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { documentedPaths, openApiDocument } from '../../lib/web/openapi.ts'

const API = path.resolve(import.meta.dirname, '../../app/api')
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

/** `/api/…` path (with `{param}`) → the HTTP methods its route file exports. */
function routeFiles(dir = API, prefix = '/api'): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      const segment = entry.name.replace(/^\[(\w+)\]$/, '{$1}')
      for (const [p, m] of routeFiles(path.join(dir, entry.name), `${prefix}/${segment}`)) out.set(p, m)
    } else if (entry.name === 'route.ts') {
      const text = readFileSync(path.join(dir, entry.name), 'utf8')
      out.set(prefix, METHODS.filter((m) => new RegExp(`export (async )?function ${m}\\b|export const ${m}\\b`).test(text)))
    }
  }
  return out
}

describe('the OpenAPI document', () => {
  const routes = routeFiles()
  it('documents every route file and no path without one', () => {
    expect(documentedPaths().sort()).toEqual([...routes.keys()].sort())
  })

  it('documents each method a route file exports', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, unknown>>
    const missing: string[] = []
    for (const [p, methods] of routes) for (const m of methods) if (!paths[p]?.[m.toLowerCase()]) missing.push(`${m} ${p}`)
    expect(missing).toEqual([])
  })
})
