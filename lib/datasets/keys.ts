// Where a training-data version's files live in storage (public to participants of a visible
// competition, unlike test sets):
//   datasets/<versionId>/prompts.csv          the organizer's imgId,prompt CSV, as uploaded
//   datasets/<versionId>/images/<file>        the images, one file each (folders flattened)
export const dataSetKeys = {
  prefix: (versionId: string) => `datasets/${versionId}/`,
  prompts: (versionId: string) => `datasets/${versionId}/prompts.csv`,
  images: (versionId: string) => `datasets/${versionId}/images/`,
}

/** The prompts file's name in listings, downloads and the zip. */
export const PROMPTS_FILE = 'prompts.csv'
/** The folder of the images inside the zip download. */
export const ZIP_IMAGES_DIR = 'images/'
