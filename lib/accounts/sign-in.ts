// Signing in and signing up, with their abuse limits (lib/accounts/rate-limit.ts). Both the REST
// API and the HTML forms call these, with the client's address.
import type { User } from '../platform/db.ts'
import { ApiError, isApiError } from '../errors.ts'
import { authenticate, createUser, type SignUpInput } from './auth.ts'
import { beforeSignIn, beforeSignUp, signInFailed, signInSucceeded } from './rate-limit.ts'

export function invalidCredentials(): ApiError {
  return new ApiError(401, 'invalid_credentials', 'Wrong email or password')
}

/**
 * The user for an e-mail and password. Refused with 429 (before the password is checked) once the
 * account or the address has failed too often; 401 for a wrong password or an unknown e-mail.
 */
export async function signIn(email: string, password: string, address: string): Promise<User> {
  const key = email.trim().toLowerCase()
  await beforeSignIn(key, address)
  const user = await authenticate(key, password)
  if (!user) {
    await signInFailed(key, address)
    throw invalidCredentials()
  }
  await signInSucceeded(key)
  return user
}

/**
 * What every sign-up is told, whether or not the e-mail had an account already: an answer that
 * differed would tell anyone which e-mails are registered.
 */
export const SIGN_UP_ANSWER = 'If this e-mail had no account yet, the account is ready: sign in with it. If it had one, sign in with that account’s password.'

/**
 * Creates the account unless the e-mail is taken (the existing account is left alone). The caller
 * answers the same either way (SIGN_UP_ANSWER); the returned user (null: taken) is for logs and
 * tests only. The password is hashed in both cases, so the time taken tells nothing either.
 */
export async function signUp(input: SignUpInput, address: string): Promise<User | null> {
  await beforeSignUp(address)
  try {
    return await createUser(input)
  } catch (err) {
    if (isApiError(err) && err.code === 'email_taken') return null
    throw err
  }
}
