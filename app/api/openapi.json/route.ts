import { openApiDocument } from '@/lib/web/openapi'

export const dynamic = 'force-static'

export function GET(): Response {
  return Response.json(openApiDocument())
}
