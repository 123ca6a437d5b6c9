-- Many workers deliver from one outbox (a DuckLake warehouse): a worker claims a delivery row
-- before sending it, so no two workers send the same part. A claim lapses at claimed_until (or at
-- once, on the same host, when the claiming process is gone), so a worker killed mid-send never
-- strands a delivery.
ALTER TABLE deliveries ADD COLUMN claimed_by VARCHAR;        -- host/pid of the sending worker
ALTER TABLE deliveries ADD COLUMN claimed_until TIMESTAMPTZ;  -- wall clock, not the pass's "now"
