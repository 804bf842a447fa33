// The signed-in user as server components see it: the request's cookie (and Authorization
// header) handed to the auth service, which owns the rules.
import { cookies, headers } from 'next/headers'
import { userFromRequest } from './auth.ts'
import { CLIENT_ADDRESS_HEADER } from './client-address.ts'
import type { User } from '../platform/db.ts'

/** The viewer of the page being rendered, or null when signed out. */
export async function currentUser(): Promise<User | null> {
  const [h, c] = await Promise.all([headers(), cookies()])
  const forwarded = new Headers()
  const cookie = c.toString()
  if (cookie) forwarded.set('cookie', cookie)
  const authz = h.get('authorization')
  if (authz) forwarded.set('authorization', authz)
  // Bad bearer tokens count against the client's address (set by lib/web/server.ts).
  const address = h.get(CLIENT_ADDRESS_HEADER)
  if (address) forwarded.set(CLIENT_ADDRESS_HEADER, address)
  return userFromRequest(new Request('http://arena.local/', { headers: forwarded }))
}

/** The signed-in organizer, or null (the page then explains that it is for organizers). */
export async function currentOrganizer(): Promise<{ user: User | null; allowed: boolean }> {
  const user = await currentUser()
  return { user, allowed: user?.role === 'organizer' }
}
