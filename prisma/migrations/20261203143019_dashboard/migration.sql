-- CreateTable
CREATE TABLE "DashboardDay" (
    "day" DATE NOT NULL,
    "filed" INTEGER NOT NULL DEFAULT 0,
    "filedHigh" INTEGER NOT NULL DEFAULT 0,
    "approved" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "withdrawn" INTEGER NOT NULL DEFAULT 0,
    "expired" INTEGER NOT NULL DEFAULT 0,
    "cancelled" INTEGER NOT NULL DEFAULT 0,
    "withinSla" INTEGER NOT NULL DEFAULT 0,
    "decisionHours" JSONB NOT NULL DEFAULT '{}',
    "signals" JSONB NOT NULL DEFAULT '{}',
    "refreshedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DashboardDay_pkey" PRIMARY KEY ("day")
);

-- CreateTable
CREATE TABLE "DashboardStaffDay" (
    "day" DATE NOT NULL,
    "staffId" UUID NOT NULL,
    "decided" INTEGER NOT NULL DEFAULT 0,
    "secondApprovals" INTEGER NOT NULL DEFAULT 0,
    "handlingHours" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "DashboardStaffDay_pkey" PRIMARY KEY ("day","staffId")
);

-- CreateIndex
CREATE INDEX "Appeal_submittedAt_idx" ON "Appeal"("submittedAt");

-- CreateIndex
CREATE INDEX "Appeal_decidedAt_idx" ON "Appeal"("decidedAt");

-- CreateIndex
CREATE INDEX "Appeal_dashboard_open_idx" ON "Appeal"("status", "riskLevel", "slaDueAt", "priority", "submittedAt", "assigneeId") WHERE (status = ANY (ARRAY['SUBMITTED'::"AppealStatus", 'IN_REVIEW'::"AppealStatus", 'AWAITING_CUSTOMER'::"AppealStatus", 'PENDING_SECOND_APPROVAL'::"AppealStatus"]));
