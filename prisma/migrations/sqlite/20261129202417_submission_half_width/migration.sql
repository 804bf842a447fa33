-- AlterTable
ALTER TABLE "Submission" ADD COLUMN "publicHalfWidth" REAL;

-- AlterTable
ALTER TABLE "SubmissionScore" ADD COLUMN "publicHalfWidth" REAL;
