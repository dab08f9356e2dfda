-- Grain state and reminders for Orleans' ADO.NET providers, written for this project against the
-- providers' query contract (query keys, parameter names, result columns). Safe to run on every start.
-- The providers' own SQL is unquoted, so every name here is lower case.

CREATE TABLE IF NOT EXISTS orleansquery (
    querykey  varchar(64) PRIMARY KEY,
    querytext text NOT NULL
);

-- One row per (service, state name, grain key). The ADO.NET provider sends the state name where its
-- column says "grain type", so each grain class uses its own state name.
CREATE TABLE IF NOT EXISTS orleansstorage (
    serviceid              text        NOT NULL,
    graintypestring        text        NOT NULL,
    graintypehash          integer     NOT NULL,
    grainidhash            integer     NOT NULL,
    grainidn0              bigint      NOT NULL,
    grainidn1              bigint      NOT NULL,
    grainidextensionstring text,
    payloadbinary          bytea,
    version                integer     NOT NULL,
    modifiedon             timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS orleansstorage_identity
    ON orleansstorage (serviceid, graintypestring, grainidn0, grainidn1, grainidextensionstring) NULLS NOT DISTINCT;

CREATE TABLE IF NOT EXISTS orleansreminders (
    serviceid    text        NOT NULL,
    grainid      text        NOT NULL,
    remindername text        NOT NULL,
    starttime    timestamptz NOT NULL,
    period       bigint      NOT NULL,
    grainhash    integer     NOT NULL,
    version      integer     NOT NULL,
    PRIMARY KEY (serviceid, grainid, remindername)
);
CREATE INDEX IF NOT EXISTS orleansreminders_ring ON orleansreminders (serviceid, grainhash);

-- Reads match the whole identity; a NULL key extension equals a NULL one.
INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $sql$
SELECT s.payloadbinary AS "PayloadBinary", s.version AS "Version"
FROM orleansstorage s
WHERE s.serviceid = @ServiceId AND s.graintypestring = @GrainTypeString
  AND s.grainidn0 = @GrainIdN0 AND s.grainidn1 = @GrainIdN1
  AND s.grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
$sql$),
-- First write (no version known) inserts; later writes must name the stored version. On a conflict
-- no version comes back, which the provider reports as an inconsistent state.
('WriteToStorageKey', $sql$
WITH inserted AS (
    INSERT INTO orleansstorage (serviceid, graintypestring, graintypehash, grainidhash, grainidn0, grainidn1,
                                grainidextensionstring, payloadbinary, version)
    SELECT @ServiceId, @GrainTypeString, @GrainTypeHash, @GrainIdHash, @GrainIdN0, @GrainIdN1,
           @GrainIdExtensionString, @PayloadBinary, 1
    WHERE @GrainStateVersion::integer IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
), updated AS (
    UPDATE orleansstorage s
    SET payloadbinary = @PayloadBinary, version = s.version + 1, modifiedon = now()
    WHERE @GrainStateVersion::integer IS NOT NULL AND s.version = @GrainStateVersion
      AND s.serviceid = @ServiceId AND s.graintypestring = @GrainTypeString
      AND s.grainidn0 = @GrainIdN0 AND s.grainidn1 = @GrainIdN1
      AND s.grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
    RETURNING s.version
)
SELECT v AS "NewGrainStateVersion" FROM (SELECT version AS v FROM inserted UNION ALL SELECT version FROM updated) AS w
$sql$),
-- Clearing keeps the row with no payload and a new version, so the next write still checks it.
('ClearStorageKey', $sql$
UPDATE orleansstorage s
SET payloadbinary = NULL, version = s.version + 1, modifiedon = now()
WHERE s.version = @GrainStateVersion
  AND s.serviceid = @ServiceId AND s.graintypestring = @GrainTypeString
  AND s.grainidn0 = @GrainIdN0 AND s.grainidn1 = @GrainIdN1
  AND s.grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
RETURNING s.version
$sql$),
('UpsertReminderRowKey', $sql$
INSERT INTO orleansreminders AS r (serviceid, grainid, remindername, starttime, period, grainhash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (serviceid, grainid, remindername) DO UPDATE
SET starttime = excluded.starttime, period = excluded.period, grainhash = excluded.grainhash, version = r.version + 1
RETURNING r.version AS "Version"
$sql$),
('ReadReminderRowsKey', $sql$
SELECT grainid AS "GrainId", remindername AS "ReminderName", starttime AS "StartTime", period AS "Period", version AS "Version"
FROM orleansreminders WHERE serviceid = @ServiceId AND grainid = @GrainId
$sql$),
('ReadReminderRowKey', $sql$
SELECT grainid AS "GrainId", remindername AS "ReminderName", starttime AS "StartTime", period AS "Period", version AS "Version"
FROM orleansreminders WHERE serviceid = @ServiceId AND grainid = @GrainId AND remindername = @ReminderName
$sql$),
-- The ring is split by signed hash: a range that does not wrap, and one that does.
('ReadRangeRows1Key', $sql$
SELECT grainid AS "GrainId", remindername AS "ReminderName", starttime AS "StartTime", period AS "Period", version AS "Version"
FROM orleansreminders WHERE serviceid = @ServiceId AND grainhash > @BeginHash AND grainhash <= @EndHash
$sql$),
('ReadRangeRows2Key', $sql$
SELECT grainid AS "GrainId", remindername AS "ReminderName", starttime AS "StartTime", period AS "Period", version AS "Version"
FROM orleansreminders WHERE serviceid = @ServiceId AND (grainhash > @BeginHash OR grainhash <= @EndHash)
$sql$),
('DeleteReminderRowKey', $sql$
WITH gone AS (
    DELETE FROM orleansreminders
    WHERE serviceid = @ServiceId AND grainid = @GrainId AND remindername = @ReminderName AND version = @Version
    RETURNING 1
)
SELECT count(*)::integer FROM gone
$sql$),
('DeleteReminderRowsKey', $sql$
DELETE FROM orleansreminders WHERE serviceid = @ServiceId
$sql$)
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
