import { z } from 'zod'
import { requireOrganizer } from '@/lib/web/auth'
import { handle, json, parseJson, type RouteContext } from '@/lib/web/http'
import { setDisabled, setRole } from '@/lib/accounts/admin'
import { publicUser } from '@/lib/accounts/auth'

const schema = z
  .object({ role: z.enum(['participant', 'organizer']).optional(), disabled: z.boolean().optional() })
  .refine((b) => b.role !== undefined || b.disabled !== undefined, 'send role and/or disabled')

/** Organizer: change an account's role and/or disable it (sessions end, API tokens are refused) or enable it. */
export async function PATCH(request: Request, ctx: RouteContext<{ id: string }>): Promise<Response> {
  return handle(async () => {
    const actor = await requireOrganizer(request)
    const { id } = await ctx.params
    const input = await parseJson(request, schema)
    let user = input.role !== undefined ? await setRole(actor, id, input.role) : null
    if (input.disabled !== undefined) user = await setDisabled(actor, id, input.disabled)
    if (!user) throw new Error('unreachable: the schema requires role or disabled')
    return json({ user: { ...publicUser(user), disabled: user.disabledAt !== null } })
  })
}
