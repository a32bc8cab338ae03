-- The queue reads one status at a time, ordered by (slaDueAt, id): with id in these indexes a filter on
-- assignee, scenario or risk is an ordered index range too, not a scan and a sort (npm run bench).

-- DropIndex
DROP INDEX "Appeal_assigneeId_status_slaDueAt_idx";

-- DropIndex
DROP INDEX "Appeal_riskLevel_status_slaDueAt_idx";

-- DropIndex
DROP INDEX "Appeal_scenario_status_slaDueAt_idx";

-- CreateIndex
CREATE INDEX "Appeal_assigneeId_status_slaDueAt_id_idx" ON "Appeal"("assigneeId", "status", "slaDueAt", "id");

-- CreateIndex
CREATE INDEX "Appeal_scenario_status_slaDueAt_id_idx" ON "Appeal"("scenario", "status", "slaDueAt", "id");

-- CreateIndex
CREATE INDEX "Appeal_riskLevel_status_slaDueAt_id_idx" ON "Appeal"("riskLevel", "status", "slaDueAt", "id");
