// With SMTP settings a reset link is mailed (to a minimal SMTP server on loopback that records the
// message); without them nothing is sent.
import net from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'

interface Received {
  from: string
  to: string[]
  data: string
}

/** Just enough SMTP (RFC 5321) for one client: no extensions, so nodemailer sends plainly. */
function fakeSmtp(received: Received[]): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((socket) => {
    let buffer = ''
    let inData = false
    let current: Received = { from: '', to: [], data: '' }
    socket.write('220 fake ESMTP\r\n')
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8')
      let nl: number
      while ((nl = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 2)
        if (inData) {
          if (line === '.') {
            inData = false
            received.push(current)
            current = { from: '', to: [], data: '' }
            socket.write('250 queued\r\n')
          } else current.data += `${line.startsWith('..') ? line.slice(1) : line}\n`
          continue
        }
        const verb = line.slice(0, 4).toUpperCase()
        if (verb === 'MAIL') current.from = line
        if (verb === 'RCPT') current.to.push(line)
        if (verb === 'DATA') inData = true
        if (verb === 'QUIT') socket.end('221 bye\r\n')
        else socket.write(verb === 'DATA' ? '354 go on\r\n' : '250 ok\r\n')
      }
    })
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      resolve({ port: typeof address === 'object' && address ? address.port : 0, close: () => new Promise((r) => server.close(() => r())) })
    })
  })
}

const received: Received[] = []
let smtp: { port: number; close: () => Promise<void> }

beforeAll(async () => {
  smtp = await fakeSmtp(received)
  // config() is read once per test file, on first use (below).
  process.env.ARENA_SMTP_URL = `smtp://127.0.0.1:${smtp.port}`
  process.env.ARENA_MAIL_FROM = 'Arena <arena@example.test>'
})

afterAll(async () => {
  delete process.env.ARENA_SMTP_URL
  delete process.env.ARENA_MAIL_FROM
  await smtp?.close()
})

it('mails the reset link to the account when SMTP settings are given', async () => {
  const { mailResetLink } = await import('../../lib/accounts/mail.ts')
  const link = 'http://arena.test/reset?token=abc123'
  const outcome = await mailResetLink({ email: 'paz@example.test', name: 'Paz' }, link, new Date('2030-01-01T00:00:00Z'))
  expect(outcome).toEqual({ sent: true })
  expect(received).toHaveLength(1)
  expect(received[0].from).toContain('arena@example.test')
  expect(received[0].to.join()).toContain('paz@example.test')
  expect(received[0].data).toContain('Subject: Set a new password for Prompt Arena')
  // The body is quoted-printable: soft line breaks '=' and '=3D' for '='.
  const body = received[0].data.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
  expect(body).toContain(link)
  expect(body).toContain('2030-01-01T00:00:00.000Z')
})
