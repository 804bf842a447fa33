-- AlterTable
ALTER TABLE "Submission" ADD COLUMN     "publicHalfWidth" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "SubmissionScore" ADD COLUMN     "publicHalfWidth" DOUBLE PRECISION;
