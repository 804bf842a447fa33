#!/usr/bin/env node
// Entry point of the `arena` CLI. The CLI is written in TypeScript and run through tsx's loader,
// so `npx arena …` works from a fresh clone without a separate build step.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('./cli.ts')
process.exitCode = await main(process.argv.slice(2))
