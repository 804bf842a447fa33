// Where a test-set version's files live (all private except the sample submission, served by its
// route), and the example images of a competition's data page.
//   testsets/<versionId>/prompts.csv              the organizer's prompts
//   testsets/<versionId>/images/<file>            the test images, one file each
//   testsets/<versionId>/upload/images.zip        an uploaded zip until the import job extracts it
//   testsets/<versionId>/truth.bin                the truth file (scoring/truth-file.ts)
//   testsets/<versionId>/sample_submission.csv    a constant prediction in the long format
export const testSetKeys = {
  prefix: (versionId: string) => `testsets/${versionId}/`,
  prompts: (versionId: string) => `testsets/${versionId}/prompts.csv`,
  images: (versionId: string) => `testsets/${versionId}/images/`,
  uploadZip: (versionId: string) => `testsets/${versionId}/upload/images.zip`,
  truth: (versionId: string) => `testsets/${versionId}/truth.bin`,
  sample: (versionId: string) => `testsets/${versionId}/sample_submission.csv`,
}
export const exampleKeys = {
  prefix: (competitionId: string) => `competitions/${competitionId}/examples/`,
  manifest: (competitionId: string) => `competitions/${competitionId}/examples/manifest.json`,
  file: (competitionId: string, fileName: string) => `competitions/${competitionId}/examples/${fileName}`,
}