import { z } from 'zod'
import { createApiToken, listApiTokens, revokeApiToken } from '@/lib/accounts/auth'
import { requireUser } from '@/lib/web/auth'
import { handle, json, parseJson, parseQuery } from '@/lib/web/http'
import { notFound } from '@/lib/errors'

export const dynamic = 'force-dynamic'

export async function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    return json({ tokens: await listApiTokens(user.id) })
  })
}

const createSchema = z.object({ name: z.string().trim().min(1).max(100).default('API token') })

/** The token itself is in this response only. */
export async function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const { name } = await parseJson(request, createSchema)
    const created = await createApiToken(user.id, name)
    return json({ token: created.token, ...created.record }, 201)
  })
}

const revokeSchema = z.object({ id: z.string().min(1) })

/** `DELETE /api/tokens?id=…` revokes one of the caller's tokens. */
export async function DELETE(request: Request): Promise<Response> {
  return handle(async () => {
    const user = await requireUser(request)
    const { id } = parseQuery(request, revokeSchema)
    if (!(await revokeApiToken(user.id, id))) throw notFound('No such active token')
    return json({ ok: true })
  })
}
