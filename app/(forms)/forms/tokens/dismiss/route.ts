import { clearedFlashTokenCookie } from '@/lib/web/token-flash'
import { redirectTo } from '@/lib/web/forms'

export async function POST(request: Request): Promise<Response> {
  return redirectTo(request, '/account/tokens', {}, { 'set-cookie': clearedFlashTokenCookie() })
}
