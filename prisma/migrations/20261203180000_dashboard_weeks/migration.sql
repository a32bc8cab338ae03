-- CreateTable
CREATE TABLE "DashboardWeek" (
    "week" DATE NOT NULL,
    "days" INTEGER NOT NULL DEFAULT 0,
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

    CONSTRAINT "DashboardWeek_pkey" PRIMARY KEY ("week")
);

-- CreateTable
CREATE TABLE "DashboardStaffWeek" (
    "week" DATE NOT NULL,
    "staffId" UUID NOT NULL,
    "decided" INTEGER NOT NULL DEFAULT 0,
    "secondApprovals" INTEGER NOT NULL DEFAULT 0,
    "handlingHours" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "DashboardStaffWeek_pkey" PRIMARY KEY ("week","staffId")
);

-- The weeks of the days already rolled up (the job keeps them in step from here on).
INSERT INTO "DashboardWeek" ("week", "days", "filed", "filedHigh", "approved", "rejected", "withdrawn", "expired", "cancelled", "withinSla", "decisionHours", "signals")
SELECT w."week", w."days", w."filed", w."filedHigh", w."approved", w."rejected", w."withdrawn", w."expired", w."cancelled", w."withinSla",
  COALESCE((SELECT jsonb_object_agg(x."k", x."n") FROM (
    SELECT e."key" AS "k", sum(e."value"::int)::int AS "n" FROM "DashboardDay" d CROSS JOIN LATERAL jsonb_each_text(d."decisionHours") e
    WHERE d."day" >= w."week" AND d."day" < w."week" + 7 GROUP BY 1) x), '{}'),
  COALESCE((SELECT jsonb_object_agg(x."k", x."n") FROM (
    SELECT e."key" AS "k", sum(e."value"::int)::int AS "n" FROM "DashboardDay" d CROSS JOIN LATERAL jsonb_each_text(d."signals") e
    WHERE d."day" >= w."week" AND d."day" < w."week" + 7 GROUP BY 1) x), '{}')
FROM (
  SELECT ("day" - (extract(isodow FROM "day")::int - 1)) AS "week", count(*)::int AS "days", sum("filed")::int AS "filed", sum("filedHigh")::int AS "filedHigh",
    sum("approved")::int AS "approved", sum("rejected")::int AS "rejected", sum("withdrawn")::int AS "withdrawn", sum("expired")::int AS "expired",
    sum("cancelled")::int AS "cancelled", sum("withinSla")::int AS "withinSla"
  FROM "DashboardDay" GROUP BY 1
) w;

INSERT INTO "DashboardStaffWeek" ("week", "staffId", "decided", "secondApprovals", "handlingHours")
SELECT w."week", w."staffId", w."decided", w."secondApprovals",
  COALESCE((SELECT jsonb_object_agg(x."k", x."n") FROM (
    SELECT e."key" AS "k", sum(e."value"::int)::int AS "n" FROM "DashboardStaffDay" d CROSS JOIN LATERAL jsonb_each_text(d."handlingHours") e
    WHERE d."staffId" = w."staffId" AND d."day" >= w."week" AND d."day" < w."week" + 7 GROUP BY 1) x), '{}')
FROM (
  SELECT ("day" - (extract(isodow FROM "day")::int - 1)) AS "week", "staffId", sum("decided")::int AS "decided", sum("secondApprovals")::int AS "secondApprovals"
  FROM "DashboardStaffDay" GROUP BY 1, 2
) w;
