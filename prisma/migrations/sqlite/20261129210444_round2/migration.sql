-- AlterTable
ALTER TABLE "User" ADD COLUMN "disabledAt" DATETIME;

-- AlterTable
ALTER TABLE "TeamMember" ADD COLUMN "rulesAcceptedAt" DATETIME;

-- AlterTable
ALTER TABLE "Submission" ADD COLUMN "publicHalfWidth" REAL;

-- AlterTable
ALTER TABLE "SubmissionScore" ADD COLUMN "publicHalfWidth" REAL;

-- CreateTable
CREATE TABLE "PasswordReset" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenHash" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PasswordReset_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SetupToken" (
    "tokenHash" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "RateLimiterFlexible" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "points" INTEGER NOT NULL,
    "expire" DATETIME
);

-- CreateTable
CREATE TABLE "DataSetVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "competitionId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "imageCount" INTEGER NOT NULL DEFAULT 0,
    "totalBytes" INTEGER NOT NULL DEFAULT 0,
    "note" TEXT NOT NULL DEFAULT '',
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DataSetVersion_competitionId_fkey" FOREIGN KEY ("competitionId") REFERENCES "Competition" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DataSetImage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "dataSetId" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    CONSTRAINT "DataSetImage_dataSetId_fkey" FOREIGN KEY ("dataSetId") REFERENCES "DataSetVersion" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TeamRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "competitionId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "fromTeamId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TeamRequest_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TeamRequest_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Competition" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "subtitle" TEXT NOT NULL DEFAULT '',
    "description" TEXT NOT NULL DEFAULT '',
    "startAt" DATETIME NOT NULL,
    "deadline" DATETIME NOT NULL,
    "mergerDeadline" DATETIME,
    "dailySubmissionLimit" INTEGER NOT NULL DEFAULT 5,
    "maxTeamSize" INTEGER NOT NULL DEFAULT 5,
    "finalSelectionLimit" INTEGER NOT NULL DEFAULT 2,
    "publicFraction" REAL NOT NULL DEFAULT 0.3,
    "privateRevealedAt" DATETIME,
    "publishedAt" DATETIME DEFAULT CURRENT_TIMESTAMP,
    "rules" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "activeTestSetId" TEXT,
    CONSTRAINT "Competition_activeTestSetId_fkey" FOREIGN KEY ("activeTestSetId") REFERENCES "TestSetVersion" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Competition" ("activeTestSetId", "createdAt", "dailySubmissionLimit", "deadline", "description", "finalSelectionLimit", "id", "maxTeamSize", "mergerDeadline", "privateRevealedAt", "publicFraction", "slug", "startAt", "subtitle", "title", "updatedAt") SELECT "activeTestSetId", "createdAt", "dailySubmissionLimit", "deadline", "description", "finalSelectionLimit", "id", "maxTeamSize", "mergerDeadline", "privateRevealedAt", "publicFraction", "slug", "startAt", "subtitle", "title", "updatedAt" FROM "Competition";
DROP TABLE "Competition";
ALTER TABLE "new_Competition" RENAME TO "Competition";
CREATE UNIQUE INDEX "Competition_slug_key" ON "Competition"("slug");
CREATE UNIQUE INDEX "Competition_activeTestSetId_key" ON "Competition"("activeTestSetId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "PasswordReset_tokenHash_key" ON "PasswordReset"("tokenHash");

-- CreateIndex
CREATE INDEX "PasswordReset_userId_idx" ON "PasswordReset"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "DataSetVersion_competitionId_version_key" ON "DataSetVersion"("competitionId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "DataSetImage_dataSetId_imageId_key" ON "DataSetImage"("dataSetId", "imageId");

-- CreateIndex
CREATE INDEX "TeamRequest_competitionId_userId_idx" ON "TeamRequest"("competitionId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "TeamRequest_teamId_userId_key" ON "TeamRequest"("teamId", "userId");
