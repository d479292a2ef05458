-- Serves the retention job: anonymous assessments (owner '') by last activity.
CREATE INDEX assessments_owner_updated ON assessments (owner, updated_at);
