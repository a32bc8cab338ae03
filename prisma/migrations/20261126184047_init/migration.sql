-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "AccountType" AS ENUM ('INDIVIDUAL', 'ENTERPRISE');

-- CreateEnum
CREATE TYPE "SsoMode" AS ENUM ('USER', 'ROLE');

-- CreateEnum
CREATE TYPE "PrincipalType" AS ENUM ('OWNER', 'RAM_USER', 'RAM_ROLE', 'SSO_USER', 'SSO_ROLE');

-- CreateEnum
CREATE TYPE "VerificationPurpose" AS ENUM ('CHANGE_EMAIL_IDENTITY', 'CHANGE_EMAIL_NEW', 'PASSWORD_RESET', 'APPEAL_NEW_EMAIL');

-- CreateEnum
CREATE TYPE "VerificationChannel" AS ENUM ('EMAIL', 'SMS');

-- CreateEnum
CREATE TYPE "AppealScenario" AS ENUM ('FORGOT_LOGON_EMAIL', 'EMAIL_AND_PHONE_UNAVAILABLE', 'PHONE_UNAVAILABLE', 'EMAIL_CHANGED_NOT_ME');

-- CreateEnum
CREATE TYPE "AppealStatus" AS ENUM ('SUBMITTED', 'IN_REVIEW', 'AWAITING_CUSTOMER', 'PENDING_SECOND_APPROVAL', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'EXPIRED');

-- CreateEnum
CREATE TYPE "RiskLevel" AS ENUM ('NORMAL', 'HIGH');

-- CreateEnum
CREATE TYPE "AppealOrigin" AS ENUM ('FORM', 'NOT_ME_LINK');

-- CreateEnum
CREATE TYPE "EvidenceKind" AS ENUM ('ID_DOCUMENT', 'BUSINESS_LICENCE', 'PAYMENT_RECORD', 'OTHER');

-- CreateEnum
CREATE TYPE "MessageAuthor" AS ENUM ('CUSTOMER', 'STAFF', 'SYSTEM');

-- CreateEnum
CREATE TYPE "StaffRole" AS ENUM ('AGENT', 'SENIOR_AGENT', 'ADMIN');

-- CreateEnum
CREATE TYPE "OutboxChannel" AS ENUM ('EMAIL', 'SMS');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('PENDING', 'SENT', 'FAILED');

-- CreateTable
CREATE TABLE "Account" (
    "uid" VARCHAR(16) NOT NULL,
    "logonEmail" VARCHAR(254) NOT NULL,
    "securePhone" VARCHAR(16),
    "passwordHash" TEXT NOT NULL,
    "alias" VARCHAR(64),
    "accountType" "AccountType" NOT NULL DEFAULT 'INDIVIDUAL',
    "holderName" VARCHAR(200) NOT NULL,
    "lastPaymentCents" INTEGER,
    "lastPaymentCurrency" VARCHAR(3),
    "lastPaymentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "logonEmailChangedAt" TIMESTAMP(3),
    "passwordChangedAt" TIMESTAMP(3),

    CONSTRAINT "Account_pkey" PRIMARY KEY ("uid")
);

-- CreateTable
CREATE TABLE "RamUser" (
    "id" UUID NOT NULL,
    "accountUid" VARCHAR(16) NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "displayName" VARCHAR(128) NOT NULL,
    "passwordHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RamUser_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RamRole" (
    "id" UUID NOT NULL,
    "accountUid" VARCHAR(16) NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "description" VARCHAR(500) NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RamRole_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RamRoleAssumer" (
    "roleId" UUID NOT NULL,
    "ramUserId" UUID NOT NULL,

    CONSTRAINT "RamRoleAssumer_pkey" PRIMARY KEY ("roleId","ramUserId")
);

-- CreateTable
CREATE TABLE "AccessKey" (
    "id" VARCHAR(32) NOT NULL,
    "accountUid" VARCHAR(16) NOT NULL,
    "ramUserId" UUID,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccessKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdentityProvider" (
    "id" UUID NOT NULL,
    "accountUid" VARCHAR(16) NOT NULL,
    "issuer" VARCHAR(500) NOT NULL,
    "clientId" VARCHAR(200) NOT NULL,
    "clientSecretEncrypted" TEXT NOT NULL,
    "userClaim" VARCHAR(64) NOT NULL DEFAULT 'preferred_username',
    "mode" "SsoMode" NOT NULL DEFAULT 'USER',
    "roleClaim" VARCHAR(64) NOT NULL DEFAULT 'role',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IdentityProvider_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SsoIdentityLink" (
    "id" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "subject" VARCHAR(255) NOT NULL,
    "ramUserId" UUID,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SsoIdentityLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" UUID NOT NULL,
    "tokenHash" VARCHAR(64) NOT NULL,
    "principalType" "PrincipalType" NOT NULL,
    "accountUid" VARCHAR(16) NOT NULL,
    "ramUserId" UUID,
    "ramRoleId" UUID,
    "ssoSubject" VARCHAR(255),
    "ssoName" VARCHAR(255),
    "parentSessionId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "ip" VARCHAR(64),
    "userAgent" VARCHAR(400),
    "privilegedUntil" TIMESTAMP(3),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Verification" (
    "id" UUID NOT NULL,
    "purpose" "VerificationPurpose" NOT NULL,
    "channel" "VerificationChannel" NOT NULL,
    "target" VARCHAR(254) NOT NULL,
    "accountUid" VARCHAR(16),
    "requesterKey" VARCHAR(128),
    "codeHash" VARCHAR(128) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "consumedAt" TIMESTAMP(3),
    "invalidatedAt" TIMESTAMP(3),

    CONSTRAINT "Verification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SecurityNoticeToken" (
    "id" UUID NOT NULL,
    "tokenHash" VARCHAR(64) NOT NULL,
    "accountUid" VARCHAR(16) NOT NULL,
    "kind" VARCHAR(40) NOT NULL,
    "data" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),

    CONSTRAINT "SecurityNoticeToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Appeal" (
    "id" UUID NOT NULL,
    "caseNumber" VARCHAR(20) NOT NULL,
    "scenario" "AppealScenario" NOT NULL,
    "status" "AppealStatus" NOT NULL DEFAULT 'SUBMITTED',
    "origin" "AppealOrigin" NOT NULL DEFAULT 'FORM',
    "priority" INTEGER NOT NULL DEFAULT 0,
    "riskLevel" "RiskLevel" NOT NULL DEFAULT 'NORMAL',
    "riskSignals" JSONB NOT NULL DEFAULT '[]',
    "accountUid" VARCHAR(16),
    "accountFound" BOOLEAN NOT NULL DEFAULT false,
    "givenUid" VARCHAR(16),
    "givenAlias" VARCHAR(64),
    "givenOldEmail" VARCHAR(254),
    "accountType" "AccountType" NOT NULL,
    "holderName" VARCHAR(200) NOT NULL,
    "newEmail" VARCHAR(254) NOT NULL,
    "newPhone" VARCHAR(16),
    "lastPaymentCents" INTEGER,
    "lastPaymentCurrency" VARCHAR(3),
    "createdMonth" VARCHAR(7),
    "trackingTokenHash" VARCHAR(64) NOT NULL,
    "filerIp" VARCHAR(64),
    "submittedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "slaDueAt" TIMESTAMP(3) NOT NULL,
    "slaPausedAt" TIMESTAMP(3),
    "assigneeId" UUID,
    "claimedAt" TIMESTAMP(3),
    "firstApproverId" UUID,
    "firstApprovedAt" TIMESTAMP(3),
    "decidedById" UUID,
    "decidedAt" TIMESTAMP(3),
    "rejectReason" VARCHAR(40),
    "rejectFinal" BOOLEAN,
    "checklist" JSONB NOT NULL DEFAULT '{}',
    "awaitingSince" TIMESTAMP(3),
    "evidencePurgedAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Appeal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseNumberCounter" (
    "day" VARCHAR(8) NOT NULL,
    "last" INTEGER NOT NULL,

    CONSTRAINT "CaseNumberCounter_pkey" PRIMARY KEY ("day")
);

-- CreateTable
CREATE TABLE "EvidenceFile" (
    "id" UUID NOT NULL,
    "appealId" UUID NOT NULL,
    "messageId" UUID,
    "kind" "EvidenceKind" NOT NULL,
    "storedName" VARCHAR(80) NOT NULL,
    "originalName" VARCHAR(255) NOT NULL,
    "mimeType" VARCHAR(64) NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "sha256" VARCHAR(64) NOT NULL,
    "uploadedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deletedAt" TIMESTAMP(3),

    CONSTRAINT "EvidenceFile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AppealMessage" (
    "id" UUID NOT NULL,
    "appealId" UUID NOT NULL,
    "author" "MessageAuthor" NOT NULL,
    "staffId" UUID,
    "body" VARCHAR(5000) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AppealMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InternalNote" (
    "id" UUID NOT NULL,
    "appealId" UUID NOT NULL,
    "staffId" UUID NOT NULL,
    "body" VARCHAR(5000) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InternalNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Staff" (
    "id" UUID NOT NULL,
    "email" VARCHAR(254) NOT NULL,
    "name" VARCHAR(120) NOT NULL,
    "roles" "StaffRole"[],
    "passwordHash" TEXT,
    "totpSecretEncrypted" TEXT,
    "totpEnrolledAt" TIMESTAMP(3),
    "totpLastStep" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "deactivatedAt" TIMESTAMP(3),
    "invitationTokenHash" VARCHAR(64),
    "invitationExpiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Staff_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StaffSession" (
    "id" UUID NOT NULL,
    "tokenHash" VARCHAR(64) NOT NULL,
    "staffId" UUID NOT NULL,
    "mfaPassed" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "ip" VARCHAR(64),
    "userAgent" VARCHAR(400),

    CONSTRAINT "StaffSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseViewer" (
    "appealId" UUID NOT NULL,
    "staffId" UUID NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseViewer_pkey" PRIMARY KEY ("appealId","staffId")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" UUID NOT NULL,
    "channel" "OutboxChannel" NOT NULL,
    "recipient" VARCHAR(254) NOT NULL,
    "subject" VARCHAR(300) NOT NULL DEFAULT '',
    "text" TEXT NOT NULL,
    "html" TEXT,
    "template" VARCHAR(60) NOT NULL,
    "status" "OutboxStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lockedBy" VARCHAR(64),
    "lastError" VARCHAR(1000),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorType" VARCHAR(20) NOT NULL,
    "actorId" VARCHAR(120),
    "action" VARCHAR(60) NOT NULL,
    "accountUid" VARCHAR(16),
    "appealId" UUID,
    "ip" VARCHAR(64),
    "userAgent" VARCHAR(400),
    "data" JSONB NOT NULL DEFAULT '{}',
    "prevHash" VARCHAR(64),
    "hash" VARCHAR(64),

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RateLimiterFlexible" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL,
    "expire" TIMESTAMP(3),

    CONSTRAINT "RateLimiterFlexible_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "Account_logonEmail_key" ON "Account"("logonEmail");

-- CreateIndex
CREATE UNIQUE INDEX "Account_alias_key" ON "Account"("alias");

-- CreateIndex
CREATE UNIQUE INDEX "RamUser_accountUid_name_key" ON "RamUser"("accountUid", "name");

-- CreateIndex
CREATE UNIQUE INDEX "RamRole_accountUid_name_key" ON "RamRole"("accountUid", "name");

-- CreateIndex
CREATE INDEX "AccessKey_accountUid_idx" ON "AccessKey"("accountUid");

-- CreateIndex
CREATE UNIQUE INDEX "IdentityProvider_accountUid_key" ON "IdentityProvider"("accountUid");

-- CreateIndex
CREATE UNIQUE INDEX "SsoIdentityLink_providerId_subject_key" ON "SsoIdentityLink"("providerId", "subject");

-- CreateIndex
CREATE UNIQUE INDEX "Session_tokenHash_key" ON "Session"("tokenHash");

-- CreateIndex
CREATE INDEX "Session_accountUid_revokedAt_idx" ON "Session"("accountUid", "revokedAt");

-- CreateIndex
CREATE INDEX "Verification_target_createdAt_idx" ON "Verification"("target", "createdAt");

-- CreateIndex
CREATE INDEX "Verification_accountUid_createdAt_idx" ON "Verification"("accountUid", "createdAt");

-- CreateIndex
CREATE INDEX "Verification_purpose_target_requesterKey_idx" ON "Verification"("purpose", "target", "requesterKey");

-- CreateIndex
CREATE UNIQUE INDEX "SecurityNoticeToken_tokenHash_key" ON "SecurityNoticeToken"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "Appeal_caseNumber_key" ON "Appeal"("caseNumber");

-- CreateIndex
CREATE UNIQUE INDEX "Appeal_trackingTokenHash_key" ON "Appeal"("trackingTokenHash");

-- CreateIndex
CREATE INDEX "Appeal_status_slaDueAt_id_idx" ON "Appeal"("status", "slaDueAt", "id");

-- CreateIndex
CREATE INDEX "Appeal_slaDueAt_id_idx" ON "Appeal"("slaDueAt", "id");

-- CreateIndex
CREATE INDEX "Appeal_assigneeId_status_slaDueAt_idx" ON "Appeal"("assigneeId", "status", "slaDueAt");

-- CreateIndex
CREATE INDEX "Appeal_accountUid_submittedAt_idx" ON "Appeal"("accountUid", "submittedAt");

-- CreateIndex
CREATE INDEX "Appeal_newEmail_idx" ON "Appeal"("newEmail");

-- CreateIndex
CREATE INDEX "Appeal_scenario_status_slaDueAt_idx" ON "Appeal"("scenario", "status", "slaDueAt");

-- CreateIndex
CREATE INDEX "Appeal_riskLevel_status_slaDueAt_idx" ON "Appeal"("riskLevel", "status", "slaDueAt");

-- CreateIndex
CREATE UNIQUE INDEX "EvidenceFile_storedName_key" ON "EvidenceFile"("storedName");

-- CreateIndex
CREATE INDEX "EvidenceFile_appealId_idx" ON "EvidenceFile"("appealId");

-- CreateIndex
CREATE INDEX "EvidenceFile_sha256_idx" ON "EvidenceFile"("sha256");

-- CreateIndex
CREATE INDEX "AppealMessage_appealId_createdAt_idx" ON "AppealMessage"("appealId", "createdAt");

-- CreateIndex
CREATE INDEX "InternalNote_appealId_createdAt_idx" ON "InternalNote"("appealId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Staff_email_key" ON "Staff"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Staff_invitationTokenHash_key" ON "Staff"("invitationTokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "StaffSession_tokenHash_key" ON "StaffSession"("tokenHash");

-- CreateIndex
CREATE INDEX "StaffSession_staffId_revokedAt_idx" ON "StaffSession"("staffId", "revokedAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_sentAt_idx" ON "OutboxMessage"("sentAt");

-- CreateIndex
CREATE INDEX "AuditEvent_accountUid_at_idx" ON "AuditEvent"("accountUid", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_appealId_at_idx" ON "AuditEvent"("appealId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_action_at_idx" ON "AuditEvent"("action", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_at_idx" ON "AuditEvent"("actorId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- AddForeignKey
ALTER TABLE "RamUser" ADD CONSTRAINT "RamUser_accountUid_fkey" FOREIGN KEY ("accountUid") REFERENCES "Account"("uid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RamRole" ADD CONSTRAINT "RamRole_accountUid_fkey" FOREIGN KEY ("accountUid") REFERENCES "Account"("uid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RamRoleAssumer" ADD CONSTRAINT "RamRoleAssumer_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "RamRole"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RamRoleAssumer" ADD CONSTRAINT "RamRoleAssumer_ramUserId_fkey" FOREIGN KEY ("ramUserId") REFERENCES "RamUser"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessKey" ADD CONSTRAINT "AccessKey_accountUid_fkey" FOREIGN KEY ("accountUid") REFERENCES "Account"("uid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessKey" ADD CONSTRAINT "AccessKey_ramUserId_fkey" FOREIGN KEY ("ramUserId") REFERENCES "RamUser"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IdentityProvider" ADD CONSTRAINT "IdentityProvider_accountUid_fkey" FOREIGN KEY ("accountUid") REFERENCES "Account"("uid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SsoIdentityLink" ADD CONSTRAINT "SsoIdentityLink_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "IdentityProvider"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SsoIdentityLink" ADD CONSTRAINT "SsoIdentityLink_ramUserId_fkey" FOREIGN KEY ("ramUserId") REFERENCES "RamUser"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_accountUid_fkey" FOREIGN KEY ("accountUid") REFERENCES "Account"("uid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_ramUserId_fkey" FOREIGN KEY ("ramUserId") REFERENCES "RamUser"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_ramRoleId_fkey" FOREIGN KEY ("ramRoleId") REFERENCES "RamRole"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Verification" ADD CONSTRAINT "Verification_accountUid_fkey" FOREIGN KEY ("accountUid") REFERENCES "Account"("uid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SecurityNoticeToken" ADD CONSTRAINT "SecurityNoticeToken_accountUid_fkey" FOREIGN KEY ("accountUid") REFERENCES "Account"("uid") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Appeal" ADD CONSTRAINT "Appeal_accountUid_fkey" FOREIGN KEY ("accountUid") REFERENCES "Account"("uid") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Appeal" ADD CONSTRAINT "Appeal_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "Staff"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Appeal" ADD CONSTRAINT "Appeal_firstApproverId_fkey" FOREIGN KEY ("firstApproverId") REFERENCES "Staff"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Appeal" ADD CONSTRAINT "Appeal_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "Staff"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EvidenceFile" ADD CONSTRAINT "EvidenceFile_appealId_fkey" FOREIGN KEY ("appealId") REFERENCES "Appeal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EvidenceFile" ADD CONSTRAINT "EvidenceFile_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "AppealMessage"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AppealMessage" ADD CONSTRAINT "AppealMessage_appealId_fkey" FOREIGN KEY ("appealId") REFERENCES "Appeal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AppealMessage" ADD CONSTRAINT "AppealMessage_staffId_fkey" FOREIGN KEY ("staffId") REFERENCES "Staff"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InternalNote" ADD CONSTRAINT "InternalNote_appealId_fkey" FOREIGN KEY ("appealId") REFERENCES "Appeal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InternalNote" ADD CONSTRAINT "InternalNote_staffId_fkey" FOREIGN KEY ("staffId") REFERENCES "Staff"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StaffSession" ADD CONSTRAINT "StaffSession_staffId_fkey" FOREIGN KEY ("staffId") REFERENCES "Staff"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseViewer" ADD CONSTRAINT "CaseViewer_appealId_fkey" FOREIGN KEY ("appealId") REFERENCES "Appeal"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseViewer" ADD CONSTRAINT "CaseViewer_staffId_fkey" FOREIGN KEY ("staffId") REFERENCES "Staff"("id") ON DELETE CASCADE ON UPDATE CASCADE;
