-- The files of a conversation's messages are read by "messageId" (the tracking page, the case page) and
-- cleared through it when a message goes (ON DELETE SET NULL): without an index each was a scan of every
-- evidence row (183 ms of PostgreSQL per tracking page at 1 000 000 appeals).
-- CreateIndex
CREATE INDEX "EvidenceFile_messageId_idx" ON "EvidenceFile"("messageId");
