import { healthReport } from '@/lib/platform/health'

export const dynamic = 'force-dynamic'

export async function GET(): Promise<Response> {
  const report = await healthReport()
  return Response.json(report, { status: report.ok ? 200 : 503 })
}
