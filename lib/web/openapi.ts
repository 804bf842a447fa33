// The OpenAPI 3.1 description of the REST API. Where a route parses its JSON body with a zod
// schema, the document takes the body from that schema (z.toJSONSchema); the other bodies (sign-in,
// tokens, multipart uploads) are written out here. tests/api/openapi.test.ts checks that every
// route file and method is documented and nothing else.
import { z } from 'zod'
import { signUpSchema } from '../accounts/auth.ts'
import { createCompetitionSchema, updateCompetitionSchema } from '../competitions/admin.ts'
import { selectionSchema } from '../submissions/selection.ts'

type Json = Record<string, unknown>

const schema = (s: z.ZodType): Json => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Json
const body = (s: z.ZodType | Json, required = true): Json => ({
  required,
  content: { 'application/json': { schema: s instanceof z.ZodType ? schema(s) : s } },
})
const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` })
const ok = (description: string, s?: Json): Json => ({ description, ...(s ? { content: { 'application/json': { schema: s } } } : {}) })
const err = (description: string): Json => ({ description, content: { 'application/json': { schema: ref('Error') } } })
const slug = { name: 'slug', in: 'path', required: true, schema: { type: 'string' } }
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } }
const authErrors = { '401': err('Not signed in / bad token') }
const organizerErrors = { ...authErrors, '403': err('Organizers only') }

function op(summary: string, responses: Json, extra: Json = {}): Json {
  return { summary, responses, ...extra }
}

export function openApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Prompt Arena API',
      version: '1.0.0',
      description: 'Competitions, teams, submissions and leaderboards. Authenticate with the session cookie (arena_session) or `Authorization: Bearer pa_…`.',
    },
    security: [{ bearer: [] }, { cookie: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Personal API token (pa_…)' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'arena_session' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
        },
        User: { type: 'object', properties: { id: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' }, role: { enum: ['participant', 'organizer'] }, createdAt: { type: 'string', format: 'date-time' } } },
        Competition: {
          type: 'object',
          properties: {
            slug: { type: 'string' }, title: { type: 'string' }, subtitle: { type: 'string' }, description: { type: 'string' },
            phase: { enum: ['upcoming', 'active', 'finished'] }, startAt: { type: 'string', format: 'date-time' }, deadline: { type: 'string', format: 'date-time' },
            mergerDeadline: { type: ['string', 'null'], format: 'date-time' }, dailySubmissionLimit: { type: 'integer' }, maxTeamSize: { type: 'integer' },
            finalSelectionLimit: { type: 'integer' }, publicFraction: { type: 'number' }, privateRevealed: { type: 'boolean' },
          },
        },
        Team: {
          type: 'object',
          properties: {
            id: { type: 'string' }, name: { type: 'string' }, inviteCode: { type: 'string' },
            members: { type: 'array', items: { type: 'object', properties: { userId: { type: 'string' }, name: { type: 'string' }, joinedAt: { type: 'string' } } } },
          },
        },
        Submission: {
          type: 'object',
          properties: {
            id: { type: 'string' }, kind: { enum: ['csv', 'prompts', 'model'] }, fileName: { type: 'string' }, fileSize: { type: 'integer' }, description: { type: 'string' },
            status: { enum: ['queued', 'running', 'scored', 'failed'] }, progress: { type: 'number' }, error: { type: ['string', 'null'] }, errorLine: { type: ['integer', 'null'] },
            publicScore: { type: ['number', 'null'] }, privateScore: { type: ['number', 'null'], description: 'null for participants until the reveal' },
            publicHalfWidth: { type: ['number', 'null'], description: '95 % half-width of publicScore: publicScore ± publicHalfWidth' },
            score: { type: ['number', 'null'], description: 'null for participants until the reveal' }, selected: { type: 'boolean' }, late: { type: 'boolean' },
            createdAt: { type: 'string', format: 'date-time' }, scoredAt: { type: ['string', 'null'], format: 'date-time' },
          },
        },
        Quota: { type: 'object', properties: { limit: { type: 'integer' }, used: { type: 'integer' }, remaining: { type: 'integer' }, resetAt: { type: 'string', format: 'date-time' } } },
        Leaderboard: {
          type: 'object',
          properties: {
            type: { enum: ['public', 'private'] },
            rows: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  rank: { type: 'integer' }, teamId: { type: 'string' }, teamName: { type: 'string' }, members: { type: 'array', items: { type: 'string' } }, score: { type: 'number' },
                  entries: { type: 'integer' }, lastSubmissionAt: { type: 'string' }, publicRank: { type: ['integer', 'null'] }, move: { type: ['integer', 'null'] },
                  halfWidth: { type: ['number', 'null'], description: '95 % half-width of score' }, tiedWithPrevious: { type: 'boolean', description: 'a paired t-test finds no difference from the row above' },
                },
              },
            },
            baselines: { type: 'array', items: { type: 'object', properties: { submissionId: { type: 'string' }, name: { type: 'string' }, score: { type: 'number' } } } },
          },
        },
      },
    },
    paths: {
      '/api/health': { get: op('Service health', { '200': ok('Healthy'), '503': ok('Unhealthy') }, { security: [] }) },
      '/api/openapi.json': { get: op('This document', { '200': ok('OpenAPI 3.1 document') }, { security: [] }) },
      '/api/auth/signup': {
        post: op('Create a participant account, then sign in; the same 202 whether or not the e-mail was registered (no enumeration)', { '202': ok('Accepted', { type: 'object', properties: { message: { type: 'string' } } }), '400': err('Invalid input'), '429': err('Too many sign-ups from this address (Retry-After)') }, { security: [], requestBody: body(signUpSchema) }),
      },
      '/api/auth/signin': {
        post: op('Sign in with email and password', { '200': ok('Session cookie set', { type: 'object', properties: { user: ref('User') } }), '401': err('Wrong email or password'), '429': err('Too many failed sign-ins for this account or address (Retry-After)') }, { security: [], requestBody: body({ type: 'object', required: ['email', 'password'], properties: { email: { type: 'string' }, password: { type: 'string' } } }) }),
      },
      '/api/auth/signout': { post: op('Sign out (ends the session)', { '200': ok('Signed out') }) },
      '/api/auth/me': { get: op('The signed-in user', { '200': ok('User', { type: 'object', properties: { user: ref('User') } }), ...authErrors }) },
      '/api/tokens': {
        get: op('List your API tokens', { '200': ok('Tokens (secrets are never shown again)'), ...authErrors }),
        post: op('Create an API token; the secret is in this response only', { '201': ok('Token', { type: 'object', properties: { token: { type: 'string' }, id: { type: 'string' }, prefix: { type: 'string' } } }), ...authErrors }, { requestBody: body({ type: 'object', properties: { name: { type: 'string' } } }, false) }),
        delete: op('Revoke a token', { '200': ok('Revoked'), '404': err('No such active token'), ...authErrors }, { parameters: [{ name: 'id', in: 'query', required: true, schema: { type: 'string' } }] }),
      },
      '/api/competitions': {
        get: op('List competitions', { '200': ok('Competitions', { type: 'object', properties: { competitions: { type: 'array', items: ref('Competition') } } }) }, { security: [] }),
        post: op('Create a competition (organizer)', { '201': ok('Created', { type: 'object', properties: { competition: ref('Competition') } }), '400': err('Invalid input'), '409': err('Slug taken'), ...organizerErrors }, { requestBody: body(createCompetitionSchema) }),
      },
      '/api/competitions/{slug}': {
        parameters: [slug],
        get: op('One competition', { '200': ok('Competition', { type: 'object', properties: { competition: ref('Competition') } }), '404': err('Unknown slug') }, { security: [] }),
        patch: op('Edit a competition: deadlines, limits, texts (organizer)', { '200': ok('Updated'), '400': err('Invalid input'), '404': err('Unknown slug'), ...organizerErrors }, { requestBody: body(updateCompetitionSchema) }),
      },
      '/api/competitions/{slug}/join': {
        parameters: [slug],
        post: op(
          'Join as a one-person team (idempotent); when the competition has rules, send {"acceptRules": true}',
          { '200': ok('Team', { type: 'object', properties: { team: ref('Team') } }), '400': err('Rules not accepted (rules_not_accepted)'), '404': err('No such competition (or a draft)'), '409': err('Competition over'), ...authErrors },
          { requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', properties: { acceptRules: { type: 'boolean' } } } } } } },
        ),
      },
      '/api/competitions/{slug}/team': {
        parameters: [slug],
        get: op('Your team here, with its invite code', { '200': ok('Team', { type: 'object', properties: { team: ref('Team') } }), '404': err('No team'), ...authErrors }),
        delete: op('Leave your team (before the merger deadline)', { '200': ok('Left'), '409': err('Not allowed now'), ...authErrors }),
        patch: op('Rename your team (its captain, before the deadline)', { '200': ok('Team'), '403': err('Not the captain'), '409': err('name_taken'), ...authErrors }, { requestBody: body({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } }) }),
      },
      '/api/competitions/{slug}/team/merge': {
        parameters: [slug],
        post: op('Ask to merge your team (you being its captain) into the team with this invite code; its captain accepts', { '202': ok('Pending request'), '403': err('Not the captain'), '404': err('Unknown code'), '409': err('Rule violated (team_too_large, too_many_submissions, merger_deadline)'), ...authErrors }, { requestBody: body({ type: 'object', required: ['inviteCode'], properties: { inviteCode: { type: 'string' } } }) }),
      },
      '/api/competitions/{slug}/team/requests': { parameters: [slug], get: op('Join and merge requests to your team (incoming) and your own (outgoing)', { '200': ok('Requests'), ...authErrors }) },
      '/api/competitions/{slug}/team/requests/{id}': {
        parameters: [slug, idParam],
        post: op('Accept or decline a request (the receiving team\'s captain)', { '200': ok('Decided'), '404': err('No such request, or not the captain'), '409': err('Rule violated now, or request_stale'), ...authErrors }, { requestBody: body({ type: 'object', required: ['action'], properties: { action: { enum: ['accept', 'decline'] } } }) }),
        delete: op('Withdraw your request', { '200': ok('Withdrawn'), '404': err('No such request'), ...authErrors }),
      },
      '/api/teams/join': {
        post: op('Ask to join the team with this invite code (if you have no team in its competition); its captain accepts', { '202': ok('Pending request'), '404': err('Unknown code'), '409': err('Team full / already in a team'), ...authErrors }, { requestBody: body({ type: 'object', required: ['inviteCode'], properties: { inviteCode: { type: 'string' } } }) }),
      },
      '/api/competitions/{slug}/submissions': {
        parameters: [slug],
        get: op("Your team's submissions and today's quota", { '200': ok('Submissions', { type: 'object', properties: { submissions: { type: 'array', items: ref('Submission') }, quota: ref('Quota') } }), '403': err('Not joined'), ...authErrors }),
        post: op(
          'Upload a submission (CSV, .csv.gz, .zip, prompt CSV or ONNX), streamed; scoring is queued',
          { '201': ok('Queued', { type: 'object', properties: { submission: ref('Submission'), quota: ref('Quota') } }), '400': err('Bad upload'), '403': err('Not joined'), '413': err('Too large'), '429': err('Daily limit reached (code daily_limit; says when it resets)'), ...authErrors },
          {
            parameters: [
              { name: 'filename', in: 'query', schema: { type: 'string' } },
              { name: 'description', in: 'query', schema: { type: 'string' } },
              { name: 'kind', in: 'query', schema: { enum: ['detect', 'csv', 'prompts', 'model'] } },
            ],
            requestBody: {
              required: true,
              content: {
                'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
                'text/csv': { schema: { type: 'string' } },
                'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' }, description: { type: 'string' }, kind: { type: 'string' } } } },
              },
            },
          },
        ),
      },
      '/api/submissions/{id}': { parameters: [idParam], get: op('A submission: status, progress, error, visible scores', { '200': ok('Submission', { type: 'object', properties: { submission: ref('Submission') } }), '404': err('Not found or not yours'), ...authErrors }) },
      '/api/submissions/{id}/file': { parameters: [idParam], get: op('The submitted file (team members and organizers)', { '200': ok('The file'), '404': err('Not found or not yours'), ...authErrors }) },
      '/api/submissions/{id}/scores': { parameters: [idParam], get: op('Per-image scores: participants get the public images\' distribution (histogram, quantiles, rounded, no image ids); organizers the full table', { '200': ok('Scores'), '404': err('Not found or not yours'), '409': err('Not scored'), ...authErrors }) },
      '/api/competitions/{slug}/selection': {
        parameters: [slug],
        post: op('Choose final submissions (before the deadline); none = best public ones count', { '200': ok('Selected submissions'), '400': err('Too many'), '409': err('Deadline passed / not selectable'), ...authErrors }, { requestBody: body(selectionSchema) }),
      },
      '/api/competitions/{slug}/leaderboard': {
        parameters: [slug],
        get: op(
          'Public or private leaderboard, JSON or CSV',
          { '200': { description: 'Leaderboard', content: { 'application/json': { schema: { type: 'object', properties: { leaderboard: ref('Leaderboard') } } }, 'text/csv': { schema: { type: 'string' } } } }, '403': err('Private leaderboard not revealed') },
          {
            security: [],
            parameters: [
              { name: 'type', in: 'query', schema: { enum: ['public', 'private'], default: 'public' } },
              { name: 'format', in: 'query', schema: { enum: ['json', 'csv'], default: 'json' } },
            ],
          },
        ),
      },
      '/api/competitions/{slug}/shakeup': {
        parameters: [slug],
        get: op('Shake-up forecast of the final selections, with the real shake-up after the reveal (organizers; everyone after the reveal)', { '200': ok('Forecast (null with fewer than 2 teams)'), '403': err('Private leaderboard not revealed') }),
      },
      '/api/competitions/{slug}/sample-submission': {
        parameters: [slug],
        get: op("The active test set's sample_submission.csv (a constant prediction)", { '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, '404': err('No active test set') }, { security: [] }),
      },
      '/api/competitions/{slug}/examples': {
        parameters: [slug],
        get: op('Example images with their prompts (not part of any test set)', { '200': ok('Examples'), '404': err('Unknown slug') }, { security: [] }),
      },
      '/api/competitions/{slug}/examples/{file}': {
        parameters: [slug, { name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
        get: op('One example image', { '200': { description: 'Image', content: { 'image/*': { schema: { type: 'string', contentMediaType: 'image/*' } } } }, '404': err('Unknown file') }, { security: [] }),
      },
      '/api/competitions/{slug}/testsets': {
        parameters: [slug],
        get: op('Test-set versions, newest first, with status and import progress (organizer)', { '200': ok('Versions'), ...organizerErrors }),
        post: op(
          'Upload a new test-set version: multipart `images` (.zip) and `prompts` (imgId,prompt CSV); imported by a job (organizer)',
          { '202': ok('Import queued'), '400': err('Bad upload'), ...organizerErrors },
          {
            requestBody: {
              required: true,
              content: {
                'multipart/form-data': {
                  schema: {
                    type: 'object',
                    required: ['images', 'prompts'],
                    properties: { images: { type: 'string', contentMediaType: 'application/zip' }, prompts: { type: 'string', contentMediaType: 'text/csv' }, publicFraction: { type: 'number' }, seed: { type: 'integer' }, note: { type: 'string' }, activate: { type: 'boolean' } },
                  },
                },
              },
            },
          },
        ),
      },
      '/api/competitions/{slug}/testsets/{version}': {
        parameters: [slug, { name: 'version', in: 'path', required: true, schema: { type: 'integer' } }],
        delete: op('Delete a failed (or never used) test-set version with its files (organizer)', { '204': { description: 'Deleted' }, '404': err('Unknown version'), '409': err('Active, being imported, or holding scores'), ...organizerErrors }),
      },
      '/api/competitions/{slug}/testsets/{version}/activate': {
        parameters: [slug, { name: 'version', in: 'path', required: true, schema: { type: 'integer' } }],
        post: op('Activate a test-set version and queue the rescoring of every submission (organizer)', { '202': ok('Activated'), '404': err('Unknown version'), '409': err('Version not ready'), ...organizerErrors }),
      },
      '/api/competitions/{slug}/model-submissions': {
        parameters: [slug],
        post: op(
          'Submit an ONNX model with its manifest; streamed, checked against the manifest, then queued to run on the hidden images',
          { '201': ok('Queued', { type: 'object', properties: { submission: ref('Submission'), quota: ref('Quota') } }), '400': err('Bad upload or invalid_model'), '403': err('Not joined'), '413': err('Too large'), '429': err('Daily limit reached'), ...authErrors },
          {
            requestBody: {
              required: true,
              content: {
                'multipart/form-data': {
                  schema: { type: 'object', required: ['model', 'manifest'], properties: { model: { type: 'string', contentMediaType: 'application/octet-stream' }, manifest: { type: 'string', description: 'JSON text or a small JSON file' }, description: { type: 'string' } } },
                },
              },
            },
          },
        ),
      },
      '/api/competitions/{slug}/data': {
        parameters: [slug],
        get: op(
          'Training data of the competition: the latest version\'s files (prompts.csv, images) with sizes and URLs, the whole-zip URL, the sample submission and the starter kit (null until provided)',
          {
            '200': ok('Listing', {
              type: 'object',
              properties: {
                version: { type: ['integer', 'null'] }, createdAt: { type: ['string', 'null'] }, imageCount: { type: 'integer' }, totalBytes: { type: 'integer' },
                files: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, size: { type: 'integer' }, url: { type: 'string' } } } },
                download: { type: ['object', 'null'], properties: { url: { type: 'string' }, fileName: { type: 'string' } } },
                sampleSubmission: { type: ['object', 'null'], properties: { url: { type: 'string' }, fileName: { type: 'string' }, size: { type: 'integer' }, testSetVersion: { type: 'integer' } } },
                starterKit: { type: ['object', 'null'], properties: { url: { type: 'string' }, fileName: { type: 'string' }, size: { type: 'integer' } } },
              },
            }),
            '404': err('No such competition'),
          },
          { security: [] },
        ),
        post: op(
          'Upload a new training-data version (organizer): multipart files images (.zip) and prompts (imgId,prompt CSV), optional field note',
          { '201': ok('Stored', { type: 'object', properties: { version: { type: 'integer' }, imageCount: { type: 'integer' }, totalBytes: { type: 'integer' } } }), '400': err('Files do not match'), ...organizerErrors },
        ),
      },
      '/api/competitions/{slug}/data/download': {
        parameters: [slug],
        get: op('The latest training data as one zip (prompts.csv + images/…), streamed', { '200': { description: 'Zip', content: { 'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } } } }, '404': err('No training data') }, { security: [] }),
      },
      '/api/competitions/{slug}/starter-kit': {
        parameters: [slug],
        get: op('The reference baseline as a starter kit zip (model.onnx, manifest.json, README.md, cv-report.json), streamed', { '200': { description: 'Zip', content: { 'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } } } }, '404': err('The baseline has not run yet') }, { security: [] }),
      },
      '/api/competitions/{slug}/data/files/{name}': {
        parameters: [slug, { name: 'name', in: 'path', required: true, schema: { type: 'string' }, description: 'prompts.csv or an image file name from the listing' }],
        get: op('One training file', { '200': { description: 'The file' }, '404': err('No such file') }, { security: [] }),
      },
      '/api/users': { get: op('List accounts (organizer)', { '200': ok('Users', { type: 'object', properties: { users: { type: 'array', items: { type: 'object' } }, total: { type: 'integer' } } }), ...organizerErrors }) },
      '/api/users/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        patch: op(
          'Change an account\'s role and/or disable or enable it (organizer; not your own)',
          { '200': ok('Updated', { type: 'object', properties: { user: { type: 'object' } } }), '404': err('No such account'), '409': err('Own account'), ...organizerErrors },
          { requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { role: { enum: ['participant', 'organizer'] }, disabled: { type: 'boolean' } } } } } } },
        ),
      },
      '/api/users/{id}/password-reset': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        post: op('Issue a one-time password-reset link, valid 1 h (organizer); mailed too where SMTP is set', { '201': ok('Link', { type: 'object', properties: { link: { type: 'string' }, expiresAt: { type: 'string' }, mailed: { type: 'boolean' } } }), '404': err('No such account'), ...organizerErrors }),
      },
      '/api/competitions/{slug}/publish': { parameters: [slug], post: op('Publish a draft competition (organizer; needs an active test set)', { '200': ok('Published'), '409': err('No active test set'), ...organizerErrors }) },
      '/api/competitions/{slug}/unpublish': { parameters: [slug], post: op('Make a competition a draft again (organizer)', { '200': ok('Unpublished'), ...organizerErrors }) },
      '/api/competitions/{slug}/reveal': { parameters: [slug], post: op('Reveal the private leaderboard (organizer, after the deadline)', { '200': ok('Revealed'), '409': err('Before the deadline'), ...organizerErrors }) },
      '/api/competitions/{slug}/rescore': { parameters: [slug], post: op('Queue every scored submission for rescoring (organizer)', { '202': ok('Queued', { type: 'object', properties: { queued: { type: 'integer' } } }), '409': err('No active test set'), ...organizerErrors }) },
    },
  }
}

/** Every `/api/…` path the document describes (tests/api/openapi.test.ts compares it with the route files). */
export function documentedPaths(): string[] {
  return Object.keys((openApiDocument().paths as Json) ?? {})
}
