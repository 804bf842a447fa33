// What a team name may be: what a user name may be (lib/accounts/auth.ts: 1–80 characters,
// trimmed), since a new team is named after its first member.
import { z } from 'zod'

export const teamNameSchema = z.string().trim().min(1, 'Enter a team name').max(80, 'A team name has at most 80 characters')
