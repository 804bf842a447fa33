import { clearedFlashTokenCookie } from '@/lib/views/tokens'
import { redirectTo } from '@/lib/views/forms'

export async function POST(request: Request): Promise<Response> {
  return redirectTo(request, '/account/tokens', {}, { 'set-cookie': clearedFlashTokenCookie() })
}
