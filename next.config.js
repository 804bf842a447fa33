/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native addons and wasm-backed packages are loaded by Node at run time, not bundled.
  serverExternalPackages: ['better-sqlite3', 'onnxruntime-node', 'sharp', 'bullmq', 'ioredis', 'pg', '@prisma/client', '@prisma/adapter-better-sqlite3', '@prisma/adapter-pg'],
  poweredByHeader: false,
  // Type checking is `npm run typecheck` (part of `npm test`), over the whole project at once.
  typescript: { ignoreBuildErrors: true },
  // Uploads are streamed by route handlers, which have no body-size limit; server actions are not
  // used for files.
  experimental: { serverActions: { bodySizeLimit: '1mb' } },
}

export default nextConfig
